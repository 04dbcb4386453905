import type { SseMessage } from 'sse-rx-codec';
import { errorBody, type SseErrorInfo } from '../sinks/errorBody.js';

/** The event that ends a resumable stream that completed: `event: end`, `data: {}`. */
export const END_MESSAGE: SseMessage = Object.freeze({ event: 'end', data: '{}' });

/** The event that ends a cancelled stream. */
export const CANCELLED_MESSAGE: SseMessage = Object.freeze(
  errorMessage({ code: 'cancelled', message: 'The stream was cancelled.' }),
);

/** The event that ends a stream whose producer ran past `ttlMs`. */
export function expiredMessage(ttlMs: number): SseMessage {
  return errorMessage({ status: 504, code: 'expired', message: `The stream ran past its ${ttlMs} ms.` });
}

/** Whether `message` ends a resumable stream: `event: end` (completed) or `event: error` (failed, expired, cancelled). */
export function isTerminal(message: SseMessage): boolean {
  return message.event === 'end' || message.event === 'error';
}

/**
 * The `event: error` that ends a resumable stream, in the wire contract's shape, never
 * `retryable`: the producer is gone, a reconnect would only read the same error again.
 */
export function errorMessage(info: { status?: number; code: string; message: string }): SseMessage {
  return { event: 'error', data: JSON.stringify({ ...info, retryable: false }) };
}

/** The terminal event for a producer that failed with `error`, told as the sinks tell it (see `mapError`). */
export function failureMessage(error: unknown, mapError?: (error: unknown) => SseErrorInfo | undefined): SseMessage {
  const { status, code = 'producer-error', message } = errorBody(error, mapError);
  return errorMessage({ status, code, message });
}
