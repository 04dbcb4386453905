import type { Observable } from 'rxjs';
import { listen } from './listen.js';
import { globalScope, type NetworkTarget } from './networkOffline.js';

/**
 * Emits each time the browser goes back online (the `online` event), and never where nothing fires
 * it (Node, Deno, Bun). Made for `retryNow` of {@link retryBackoff}, so a {@link fromSse} waiting
 * out a long backoff reconnects as soon as the network returns.
 *
 * @example
 * ```ts
 * import { backOnline, fromSse } from 'sse-rx-client';
 * fromSse('/events', { reconnect: { retryNow: backOnline() } }).subscribe();
 * // Wi-Fi drops: 'reconnecting', waiting 1 s, 2 s, 4 s... up to 30 s between attempts
 * // Wi-Fi back: a new request at once, with Last-Event-ID
 * ```
 * @param target - what to watch; `globalThis` (the `window` of a page) when omitted.
 * @returns An Observable that emits `undefined` on each `online` event and never completes.
 * @public
 */
export function backOnline(target: NetworkTarget = globalScope()): Observable<void> {
  return listen(target, 'online');
}
