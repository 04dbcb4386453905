import { Observable } from 'rxjs';
import { SseNetworkError } from './errors.js';
import type { RawSseEvent, SseEventOf } from './types.js';

/** The config of {@link fromEventSource}. @public */
export interface FromEventSourceConfig<EventMap> {
  /** The event types to listen to; `message` covers events sent without `event:`. @default ['message'] */
  eventTypes?: ReadonlyArray<keyof EventMap & string>;
  /** Send cookies to another origin (only when given a URL). @default false */
  withCredentials?: boolean;
  /** The `EventSource` class to construct (only when given a URL). @default globalThis.EventSource */
  EventSource?: typeof EventSource;
}

/**
 * The events of a browser's native `EventSource`, as an Observable of the same events
 * {@link fromSse} emits, for code that must use the native object (HTTP/2 connection sharing, no
 * `fetch` streaming). The browser reconnects on its own; when it gives up (an HTTP error, a wrong
 * content type), the Observable fails with an {@link SseNetworkError}: the native object does not
 * tell why.
 *
 * Given a URL, each subscription opens its own `EventSource` and closes it on unsubscribe. Given an
 * `EventSource`, the Observable only listens: closing it stays the caller's job.
 *
 * @example
 * ```ts
 * import { fromEventSource, parseJson } from 'sse-rx-client';
 * fromEventSource<{ tick: { n: number } }>('/events', { eventTypes: ['tick'] })
 *   .pipe(parseJson())
 *   .subscribe((event) => console.log(event.type, event.data.n));
 * // tick 1
 * ```
 * @param source - a URL to open, or an existing `EventSource`.
 * @param config - event types, credentials and the class to use, see {@link FromEventSourceConfig}.
 * @returns An Observable of the events of the given types.
 * @public
 */
export function fromEventSource<EventMap = Record<string, unknown>>(
  source: string | URL | EventSource,
  config: FromEventSourceConfig<EventMap> = {},
): Observable<SseEventOf<EventMap>> {
  const eventTypes: ReadonlyArray<string> = config.eventTypes ?? ['message'];
  return new Observable<RawSseEvent>((subscriber) => {
    const owned = typeof source === 'string' || source instanceof URL;
    const Constructor = config.EventSource ?? globalThis.EventSource;
    const eventSource = owned ? new Constructor(source, { withCredentials: config.withCredentials ?? false }) : source;
    let lastEventId = '';

    const onEvent = (event: Event): void => {
      const { type, data, lastEventId: id } = event as MessageEvent<string>;
      lastEventId = id;
      subscriber.next({ type, data, lastEventId: id });
    };
    // "error" with readyState CONNECTING is the browser reconnecting; CLOSED means it gave up.
    const onError = (): void => {
      if (eventSource.readyState === eventSource.CLOSED) {
        subscriber.error(
          new SseNetworkError('The EventSource closed the connection and will not reconnect', {
            lastEventId,
            retryMs: undefined,
          }),
        );
      }
    };

    for (const type of eventTypes) eventSource.addEventListener(type, onEvent);
    eventSource.addEventListener('error', onError);
    return () => {
      for (const type of eventTypes) eventSource.removeEventListener(type, onEvent);
      eventSource.removeEventListener('error', onError);
      if (owned) eventSource.close();
    };
  }) as Observable<SseEventOf<EventMap>>;
}
