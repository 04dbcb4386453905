/**
 * What {@link parseJson} and {@link validate} do with an event whose data they reject.
 * - `'report'` (default): skip the event, hand the typed error to the runtime's `reportError`
 *   (browsers, Deno, Bun; `console.error` where there is none), and go on: one bad payload never
 *   closes the connection.
 * - a function: skip the event and call it with the typed error (a side channel: a Subject, a
 *   logger, a metric), and go on. If it throws, the stream fails with what it threw.
 * - `'skip'`: skip the event and say nothing.
 * - `'error'`: fail the stream with the typed error (and so close the connection).
 * @example
 * ```ts
 * import { Subject } from 'rxjs';
 * import { fromSse, parseJson, type SseParseError } from 'sse-rx-client';
 * const bad$ = new Subject<SseParseError>();
 * fromSse('/events').pipe(parseJson({ onInvalid: (error) => bad$.next(error) })).subscribe();
 * bad$.subscribe((error) => console.warn(error.eventType, error.data));
 * ```
 * @public
 */
export type OnInvalidPayload<E extends Error> = 'report' | 'skip' | 'error' | ((error: E) => void);

/**
 * Applies an {@link OnInvalidPayload} policy to the error of a rejected event.
 * @returns The error to fail the stream with, or `undefined` to skip the event and go on.
 */
export function rejectPayload<E extends Error>(policy: OnInvalidPayload<E> = 'report', error: E): unknown {
  if (policy === 'error') return error;
  if (policy === 'skip') return undefined;
  try {
    if (policy === 'report') reportToRuntime(error);
    else policy(error);
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

/** The platform's way to report an error that stops nothing: `reportError` where it exists. */
function reportToRuntime(error: Error): void {
  const { reportError } = globalThis as { reportError?: (error: unknown) => void };
  if (typeof reportError === 'function') reportError(error);
  else console.error(error);
}
