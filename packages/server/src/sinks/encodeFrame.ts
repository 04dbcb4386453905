import { encode, type SseMessage } from 'sse-rx-codec';

const utf8 = new TextEncoder();
/** Frames already encoded, by message object: a broadcast encodes each message once, not once per client. */
const frames = new WeakMap<SseMessage, Uint8Array>();

/**
 * The UTF-8 wire bytes of `message`. The same message object broadcast to many clients (as
 * `createEventLog` and a shared Subject do) is encoded once; messages are treated as immutable
 * once sent. Throws the codec's `TypeError` for a malformed message.
 */
export function encodeFrame(message: SseMessage): Uint8Array {
  let frame = frames.get(message);
  if (frame === undefined) {
    frame = utf8.encode(encode(message));
    frames.set(message, frame);
  }
  return frame;
}
