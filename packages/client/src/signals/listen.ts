import { Observable } from 'rxjs';

/**
 * What the browser signals listen to: a `window`, a `document`, or any `EventTarget`. Declared here
 * rather than taken from the DOM types, so the package's types stay valid in Node, Deno and Bun.
 * @example
 * ```ts
 * import { pageHidden, type EventTargetLike } from 'sse-rx-client';
 * const fakeDocument: EventTargetLike & { visibilityState: string } = Object.assign(new EventTarget(), { visibilityState: 'visible' });
 * pageHidden(fakeDocument).subscribe(console.log);
 * // false
 * ```
 * @public
 */
export interface EventTargetLike {
  /** Calls `listener` on each event of `type` (as `EventTarget.addEventListener`). */
  addEventListener(type: string, listener: () => void): void;
  /** Stops calling `listener` for `type` (as `EventTarget.removeEventListener`). */
  removeEventListener(type: string, listener: () => void): void;
}

/** Each event of `type` on `target`, as `undefined`; nothing, and no error, when `target` cannot be listened to. */
export function listen(target: EventTargetLike | undefined, type: string): Observable<void> {
  return new Observable<void>((subscriber) => {
    if (typeof target?.addEventListener !== 'function') return;
    const listener = (): void => subscriber.next();
    target.addEventListener(type, listener);
    return () => target.removeEventListener(type, listener);
  });
}
