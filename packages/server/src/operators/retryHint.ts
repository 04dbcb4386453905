import { startWith, type OperatorFunction } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/**
 * Sends a `retry:` field first, telling clients how many milliseconds to wait before they
 * reconnect after the stream drops (browsers default to about 3 s).
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { retryHint } from 'sse-rx-server';
 * of({ data: 'hi' }).pipe(retryHint(5000)).subscribe(console.log);
 * // { retry: 5000 }
 * // { data: 'hi' }
 * // on the wire: 'retry: 5000\n\ndata: hi\n\n'
 * ```
 * @param delayMs - the reconnection delay, a non-negative integer of milliseconds.
 * @returns an operator that prepends one `{ retry: delayMs }` message.
 * @throws TypeError when `delayMs` is not a non-negative integer.
 * @public
 */
export function retryHint<T>(delayMs: number): OperatorFunction<T, T | SseMessage> {
  if (!Number.isSafeInteger(delayMs) || delayMs < 0)
    throw new TypeError(`retryHint(delayMs) needs a non-negative integer of milliseconds, got ${String(delayMs)}.`);
  return startWith<T, [SseMessage]>({ retry: delayMs });
}
