import { Observable } from 'rxjs';
import type { SseEvent } from 'sse-rx-codec';
import { SseParseError } from '../errors.js';
import type { ParsedOf, ParsedSseEvent } from '../types.js';
import { rejectPayload, type OnInvalidPayload } from './invalidPayload.js';

/** Options of {@link parseJson}. @public */
export interface ParseJsonConfig {
  /** What to do with an event whose data is not JSON, see {@link OnInvalidPayload}. @default 'report' (skip it, report the {@link SseParseError}, go on) */
  onInvalid?: OnInvalidPayload<SseParseError>;
}

/**
 * The operator {@link parseJson} returns: from events of any type `E` to the same events with
 * `data` parsed, typed `T` when given, else as the event map of `E` says.
 * @example
 * ```ts
 * import type { ParseJson } from 'sse-rx-client';
 * type Ticks = ParseJson<{ n: number }>; // events in, events with data { n: number } out
 * ```
 * @public
 */
export type ParseJson<T> = <E extends SseEvent>(
  source: Observable<E>,
) => Observable<[T] extends [never] ? ParsedOf<E> : ParsedSseEvent<E['type'], T>>;

/**
 * Parses each event's data as JSON. With a typed stream from {@link fromSse}, `data` gets the type the
 * event map gives its event type; `parseJson<T>()` types it as `T` instead, for an untyped stream.
 * Either way the type is a claim about the server, not a check: use {@link validate} for one. An
 * event whose data is not JSON is skipped and reported by default, and the stream goes on;
 * `onInvalid` chooses otherwise (see {@link OnInvalidPayload}). An event with empty data is a control
 * event, not a payload: it is skipped without a report. The contract's `event: reset` is JSON and
 * passes through (typed as declared: check `type`, or react with `onReset` of {@link fromSse}).
 *
 * @example
 * ```ts
 * import { fromSse, parseJson } from 'sse-rx-client';
 * fromSse<{ tick: { n: number } }>('https://example.com/events')
 *   .pipe(parseJson())
 *   .subscribe((event) => console.log(event.data.n + 1));
 * // data: {"n":1} -> 2
 * fromSse('https://example.com/events')
 *   .pipe(parseJson<{ n: number }>())
 *   .subscribe((event) => console.log(event.data.n + 1));
 * // data: {"n":1} -> 2
 * ```
 * @param config - what to do with invalid data, see {@link ParseJsonConfig}.
 * @returns An operator from raw events to events with parsed data.
 * @public
 */
export function parseJson<T = never>(config: ParseJsonConfig = {}): ParseJson<T> {
  return <E extends SseEvent>(source: Observable<E>) =>
    new Observable<ParsedSseEvent>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.data === '') return; // a control event (`data:` with nothing), not a payload
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
          subscriber.next({ type: event.type, data, lastEventId: event.lastEventId });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    ) as Observable<[T] extends [never] ? ParsedOf<E> : ParsedSseEvent<E['type'], T>>;
}
