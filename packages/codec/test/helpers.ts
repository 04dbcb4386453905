import fc from 'fast-check';
import { SseDecoder, type SseDecoderConfig, type SseEvent } from '../src/index.js';

/** What a decoder reported for one whole stream. */
export interface Decoded {
  events: SseEvent[];
  retries: number[];
  comments: string[];
  errors: string[];
  lastEventId: string;
}

/** Decodes `chunks` as one stream (then ends it) and collects every callback. */
export function decodeChunks(chunks: Iterable<Uint8Array | string>, options: SseDecoderConfig = {}): Decoded {
  const result: Decoded = { events: [], retries: [], comments: [], errors: [], lastEventId: '' };
  const decoder = new SseDecoder({
    ...options,
    onEvent: (event) => result.events.push(event),
    onRetry: (ms) => result.retries.push(ms),
    onComment: (text) => result.comments.push(text),
    onError: (error) => result.errors.push(error.type),
  });
  for (const chunk of chunks) decoder.feed(chunk);
  decoder.end();
  result.lastEventId = decoder.lastEventId;
  return result;
}

/** Decodes a whole string fed in one chunk. */
export function decodeText(text: string, options?: SseDecoderConfig): Decoded {
  return decodeChunks([text], options);
}

/** Up to 12 cut points inside a byte array of `length`, sorted and unique, for {@link cutAt}. */
export const cutsOf = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 12 }).map((cuts) => cuts.sort((a, b) => a - b));

/** Cuts `bytes` at the given (sorted, in-range) offsets. */
export function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    parts.push(bytes.subarray(start, offset));
    start = offset;
  }
  return parts;
}

/** Cuts `bytes` into pieces of `size` bytes. */
export function cutEvery(bytes: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A MessageEvent-shaped object, for short expectations. */
export const ev = (data: string, type = 'message', lastEventId = ''): SseEvent => ({ type, data, lastEventId });
