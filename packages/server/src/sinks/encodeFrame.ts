import { encode, type SseMessage } from 'sse-rx-codec';

const utf8 = new TextEncoder();
/** Frames already encoded, by message object: a broadcast encodes each message once, not once per client. */
const frames = new WeakMap<SseMessage, Uint8Array>();
/** Node's `Buffer`, where there is one: a socket takes it as is, but wraps a plain Uint8Array on every write. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
// The message encoded last: a broadcast asks for it once per client in a row, and this check is
// cheaper than the WeakMap lookup. It keeps that one message alive until the next one.
let lastMessage: SseMessage | undefined;
let lastFrame: Uint8Array | undefined;

/**
 * The UTF-8 wire bytes of `message` (a `Buffer` view in Node). The same message object broadcast
 * to many clients (as `createEventLog` and a shared Subject do) is encoded once; messages are
 * treated as immutable once sent. Throws the codec's `TypeError` for a malformed message.
 */
export function encodeFrame(message: SseMessage): Uint8Array {
  if (message === lastMessage) return lastFrame!;
  let frame = frames.get(message);
  if (frame === undefined) {
    frame = utf8.encode(encode(message));
    if (NodeBuffer) frame = NodeBuffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    frames.set(message, frame);
  }
  lastMessage = message;
  lastFrame = frame;
  return frame;
}
