import type { SettledError } from './errorBody.js';

/** The longest wait a `Retry-After` header may suggest: 2^31 - 1 ms, the longest a timer takes. */
const MAX_RETRY_AFTER_MS = 2_147_483_647;

/**
 * The `Retry-After` header of an error answered before the stream started: present when the
 * answer is 429 or 503 and its `retryAfterMs` is from 0 to 2^31 - 1, in whole seconds rounded up
 * (`retryAfterMs: 1500` gives `Retry-After: 2`). Anything else gives no header: an unusable
 * hint must not break the answer.
 */
export function retryAfterHeader({ status, retryAfterMs }: SettledError): Record<string, string> {
  if ((status !== 429 && status !== 503) || retryAfterMs === undefined) return {};
  if (!(retryAfterMs >= 0 && retryAfterMs <= MAX_RETRY_AFTER_MS)) return {};
  return { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) };
}
