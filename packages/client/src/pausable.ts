import { distinctUntilChanged, Observable, type Subscription } from 'rxjs';

/**
 * Mirrors `source` while the latest value of `pauseWhen` is `false` (or before its first value):
 * `true` unsubscribes from `source` and calls `onPause`, the next `false` subscribes again. Values
 * `pauseWhen` emits on subscription count before `source` is first subscribed, so a page that starts
 * hidden sends no request. The end of `pauseWhen` changes nothing; its error is the result's error.
 */
export function pausable<T>(source: Observable<T>, pauseWhen: Observable<boolean>, onPause: () => void): Observable<T> {
  return new Observable<T>((subscriber) => {
    let running: Subscription | undefined;
    let paused = false;
    let started = false;
    const apply = (): void => {
      if (paused) {
        running?.unsubscribe();
        running = undefined;
        onPause();
      } else {
        // A plain observer, not `subscriber` itself: unsubscribing `running` must not close the result.
        running ??= source.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
      }
    };
    const signal = pauseWhen.pipe(distinctUntilChanged()).subscribe({
      next: (value) => {
        paused = value;
        if (started) apply();
      },
      error: (error: unknown) => subscriber.error(error),
    });
    started = true;
    if (!subscriber.closed) apply();
    return () => {
      signal.unsubscribe();
      running?.unsubscribe();
    };
  });
}
