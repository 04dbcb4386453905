import { defer, distinctUntilChanged, map, merge, startWith, type Observable } from 'rxjs';
import { listen, type EventTargetLike } from './listen.js';

/**
 * What {@link networkOffline} and {@link backOnline} watch: a `window` (the global scope of a page),
 * or a stand-in that fires `online` and `offline`.
 * @example
 * ```ts
 * import type { NetworkTarget } from 'sse-rx-client';
 * const fake: NetworkTarget = Object.assign(new EventTarget(), { navigator: { onLine: true } });
 * ```
 * @public
 */
export type NetworkTarget = EventTargetLike & {
  /** The browser's `navigator`; absent outside a browser (never offline then). */
  readonly navigator?: {
    /** `false` when the browser knows it is offline. */
    readonly onLine?: boolean;
  };
};

/** The global scope, `window` in a page: read on each call, never at module load. */
export const globalScope = (): NetworkTarget => globalThis as NetworkTarget;

/**
 * Whether the browser says it is offline: `navigator.onLine === false` on subscription, then `true`
 * on each `offline` event and `false` on each `online` one. Where nothing fires these events (Node,
 * Deno, Bun) it emits `false` once and nothing after. Browsers only know the network interface is
 * down; a `false` does not promise the server is reachable.
 *
 * @example
 * ```ts
 * import { combineLatest, map } from 'rxjs';
 * import { fromSse, networkOffline, pageHidden } from 'sse-rx-client';
 * const away$ = combineLatest([pageHidden(), networkOffline()]).pipe(map(([hidden, offline]) => hidden || offline));
 * fromSse('/events', { pauseWhen: away$ }).subscribe();
 * // offline: paused without burning retries; online again: reconnects at once with Last-Event-ID
 * ```
 * @param target - what to watch; `globalThis` (the `window` of a page) when omitted.
 * @returns An Observable of `true` while offline, `false` while online, without repeats.
 * @public
 */
export function networkOffline(target: NetworkTarget = globalScope()): Observable<boolean> {
  return defer(() =>
    merge(listen(target, 'offline').pipe(map(() => true)), listen(target, 'online').pipe(map(() => false))).pipe(
      startWith(target.navigator?.onLine === false),
      distinctUntilChanged(),
    ),
  );
}
