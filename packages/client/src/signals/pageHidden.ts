import { defer, distinctUntilChanged, map, startWith, type Observable } from 'rxjs';
import { listen, type EventTargetLike } from './listen.js';

/**
 * What {@link pageHidden} watches: a `document`, or a stand-in with `visibilityState`.
 * @example
 * ```ts
 * import type { VisibilityTarget } from 'sse-rx-client';
 * const fake: VisibilityTarget = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
 * ```
 * @public
 */
export type VisibilityTarget = EventTargetLike & {
  /** `'hidden'` while nobody sees the page (as `document.visibilityState`). */
  readonly visibilityState?: string;
};

/**
 * Whether the page is hidden (another tab in front, window minimised, screen locked): the current
 * answer on subscription, then each change, from `visibilityState` and `visibilitychange`. Where
 * there is no `document` (Node, Deno, Bun, a worker) it emits `false` once and nothing after.
 * Made for `pauseWhen` of {@link fromSse}.
 *
 * @example
 * ```ts
 * import { fromSse, pageHidden } from 'sse-rx-client';
 * fromSse('/events', { pauseWhen: pageHidden() }).subscribe();
 * // tab hidden: the request is aborted, state 'paused'
 * // tab shown: a new request with Last-Event-ID
 * ```
 * @param document - what to watch; `globalThis.document` when omitted (read on each call).
 * @returns An Observable of `true` while hidden, `false` while visible, without repeats.
 * @public
 */
export function pageHidden(
  document: VisibilityTarget | undefined = (globalThis as { document?: VisibilityTarget }).document,
): Observable<boolean> {
  return defer(() =>
    listen(document, 'visibilitychange').pipe(
      startWith(undefined),
      map(() => document?.visibilityState === 'hidden'),
      distinctUntilChanged(),
    ),
  );
}
