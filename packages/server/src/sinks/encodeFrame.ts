import { encode, type SseMessage } from 'sse-rx-codec';

const utf8 = new TextEncoder();
/** Frames already encoded, by frozen message: a broadcast encodes each message once, not once per client. */
const frames = new WeakMap<SseMessage, Uint8Array>();
/** Node's `Buffer`, where there is one: a socket takes it as is, but wraps a plain Uint8Array on every write. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
// The frozen message encoded last: a broadcast asks for it once per client in a row, and this check
// is cheaper than the WeakMap lookup. It keeps that one message alive until the next one.
let lastMessage: SseMessage | undefined;
let lastFrame: Uint8Array | undefined;

/**
 * The UTF-8 wire bytes of `message` (a `Buffer` view in Node). A frozen message (every message of
 * a store is; `Object.freeze` your own to get the same) cannot change, so it is encoded once
 * however many clients it goes to; any other message is encoded each time it is sent, so an
 * object changed and sent again goes out with its new fields. Throws the codec's `TypeError` for a
 * malformed message.
 */
export function encodeFrame(message: SseMessage): Uint8Array {
  if (message === lastMessage) return lastFrame!;
  // Its fields are strings and numbers: frozen, the message is immutable as a whole.
  const frozen = Object.isFrozen(message);
  let frame = frozen ? frames.get(message) : undefined;
  if (frame === undefined) {
    frame = utf8.encode(encode(message));
    if (NodeBuffer) frame = NodeBuffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    if (!frozen) return frame;
    frames.set(message, frame);
  }
  lastMessage = message;
  lastFrame = frame;
  return frame;
}
