import { Observable, type OperatorFunction } from 'rxjs';
import type { SseEvent } from 'sse-rx-codec';
import { SseParseError } from '../errors.js';
import type { ParsedOf } from '../types.js';

/** Options of {@link parseJson}. @public */
export interface ParseJsonConfig {
  /** What to do with data that is not JSON: fail with an {@link SseParseError}, or `'skip'` the event. @default 'error' */
  onInvalid?: 'error' | 'skip';
}

/**
 * Parses each event's data as JSON. With a typed stream from {@link fromSse}, `data` gets the type the
 * event map gives its event type.
 *
 * @example
 * ```ts
 * import { fromSse, parseJson } from 'sse-rx-client';
 * fromSse<{ tick: { n: number } }>('/events')
 *   .pipe(parseJson())
 *   .subscribe((event) => console.log(event.data.n + 1));
 * // data: {"n":1} -> 2
 * ```
 * @param config - what to do with invalid data, see {@link ParseJsonConfig}.
 * @returns An operator from raw events to events with parsed data.
 * @public
 */
export function parseJson<E extends SseEvent>(config: ParseJsonConfig = {}): OperatorFunction<E, ParsedOf<E>> {
  return (source) =>
    new Observable<ParsedOf<E>>((subscriber) =>
      source.subscribe({
        next: (event) => {
          let data: unknown;
          try {
            data = JSON.parse(event.data);
          } catch (cause) {
            if (config.onInvalid !== 'skip') {
              subscriber.error(new SseParseError(`Event "${event.type}" has data that is not JSON`, event.data, event.type, { cause }));
            }
            return;
          }
          subscriber.next({ type: event.type, data, lastEventId: event.lastEventId } as ParsedOf<E>);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
