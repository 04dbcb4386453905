export { SseDecoder } from './decoder.js';
export { encode } from './encoder.js';
export { isSseError, SseError, SseProtocolError, type SseProtocolErrorType } from './errors.js';
export { SseDecoderStream, SseEncoderStream, type SseDecoderStreamOptions } from './streams.js';
export type { SseDecoderOptions, SseEvent, SseMessage } from './types.js';
