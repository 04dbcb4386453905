export { SseDecoder } from './decoder.js';
export { encode } from './encoder.js';
export { isSseError, SseError, SseProtocolError, type SseProtocolErrorType } from './errors.js';
export { SseDecoderStream, SseEncoderStream, type SseDecoderStreamConfig } from './streams.js';
export type { SseDecoderConfig, SseEvent, SseMessage } from './types.js';
