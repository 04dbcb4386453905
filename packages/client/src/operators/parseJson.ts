import { Observable, type OperatorFunction } from 'rxjs';
import type { SseEvent } from 'sse-rx-codec';
import { SseParseError } from '../errors.js';
import type { ParsedOf } from '../types.js';
import { rejectPayload, type OnInvalidPayload } from './invalidPayload.js';

/** Options of {@link parseJson}. @public */
export interface ParseJsonConfig {
  /** What to do with an event whose data is not JSON, see {@link OnInvalidPayload}. @default 'report' (skip it, report the {@link SseParseError}, go on) */
  onInvalid?: OnInvalidPayload<SseParseError>;
}

/**
 * Parses each event's data as JSON. With a typed stream from {@link fromSse}, `data` gets the type the
 * event map gives its event type. An event whose data is not JSON is skipped and reported by default,
 * and the stream goes on; `onInvalid` chooses otherwise (see {@link OnInvalidPayload}).
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
            const error = new SseParseError(`Event "${event.type}" has data that is not JSON`, event.data, event.type, {
              cause,
            });
            const failure = rejectPayload(config.onInvalid, error);
            if (failure !== undefined) subscriber.error(failure);
            return;
          }
          subscriber.next({ type: event.type, data, lastEventId: event.lastEventId } as ParsedOf<E>);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
