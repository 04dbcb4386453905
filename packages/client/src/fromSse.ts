import { defer, finalize, type Observable } from 'rxjs';
import { fetchEvents, type FetchEventsConfig } from './fetchEvents.js';
import type { SseResumeState } from './errors.js';
import { retryBackoff, type RetryBackoffConfig } from './operators/retryBackoff.js';
import { pausable } from './pausable.js';
import type { RawSseEvent, SseActivity, SseEventOf, SseInit, SseReset } from './types.js';

/**
 * The state of a {@link fromSse} connection, for a UI to show, reported through `onState` (and
 * `state$` of {@link connectSse}): `connecting` before each request, `open` once the response is an
 * event stream, `reconnecting` while a retry waits out its delay, `paused` while `pauseWhen` holds
 * it, `closed` once the subscription ends (or before it starts).
 * @example
 * ```ts
 * import { fromSse } from 'sse-rx-client';
 * fromSse('https://example.com/events', { onState: (s) => console.log(s.status) }).subscribe();
 * // connecting
 * // open
 * // reconnecting (with attempt, delayMs and the error)
 * ```
 * @public
 */
export type SseConnectionState =
  | {
      /** A request is being sent (the first one, or a retry whose delay is over). */
      status: 'connecting';
    }
  | {
      /** The response is an event stream; events flow. */
      status: 'open';
    }
  | {
      /** A retry waits out its delay. */
      status: 'reconnecting';
      /** The retry's number: 1 for the first retry after a failure. */
      attempt: number;
      /** How long this retry waits before connecting, in milliseconds. */
      delayMs: number;
      /** What ended the last connection (an `SseError`, or what the request threw). */
      error: unknown;
    }
  | {
      /** `pauseWhen` holds the stream: no request is open. */
      status: 'paused';
    }
  | {
      /** The subscription ended (or has not started). */
      status: 'closed';
    };

/**
 * The config of {@link fromSse} and {@link connectSse}: the request fields of `fetch` (`method`,
 * `headers`, `body`, `credentials`...; no `signal`: unsubscribe instead), an optional `init`
 * function for fields that must be fresh on every attempt, and the client options.
 * @example
 * ```ts
 * import { fromSse, type FromSseConfig } from 'sse-rx-client';
 * declare function getToken(): Promise<string>;
 * const config: FromSseConfig = {
 *   credentials: 'include',
 *   init: async () => ({ headers: { authorization: `Bearer ${await getToken()}` } }),
 *   stallTimeoutMs: 45_000,
 * };
 * fromSse('https://example.com/events', config).subscribe();
 * ```
 * @public
 */
export interface FromSseConfig extends SseInit {
  /**
   * Called before every attempt (the first and each reconnect); the request fields it returns win
   * over the fixed ones (headers are merged, name by name), e.g. to send a fresh token. If it
   * throws or rejects, the attempt fails with that error, which the default retry rule does not retry.
   * @default undefined (the fixed fields only)
   */
  init?: () => SseInit | Promise<SseInit>;
  /**
   * `true` (or backoff options) for an endless stream: a stream the server ends, a network error, a
   * 5xx/408/429 or a retryable {@link SseServerError} leads to a new request carrying
   * `Last-Event-ID`, after a backoff delay (see {@link retryBackoff} for the rules). `false` for a
   * one-shot stream, such as an LLM completion: the end of the body completes the Observable and
   * every failure is an error.
   *
   * The default is `true` for `GET` and `HEAD` only. Any other method is not sent again unless you
   * set `reconnect` yourself: a POST may start a paid or non-repeatable job on the server, so
   * re-sending it must be a decision, not a default.
   * @default true for GET/HEAD, false for other methods
   */
  reconnect?: boolean | RetryBackoffConfig;
  /** The last event id to resume from on the first request. @default '' */
  lastEventId?: string;
  /**
   * Abort (and reconnect) when no byte, heartbeat comments included, arrives for this long. When not
   * set, a server's heartbeat announcement (the comment `sse-rx heartbeat-ms=<ms>`, sent by
   * sse-rx-server's `heartbeat(ms)`) arms the watchdog at 2.5 announced intervals.
   * @default undefined (armed from the announcement; none without one)
   */
  stallTimeoutMs?: number;
  /**
   * Abort (and retry) when the response head does not arrive within this long: a server that
   * accepts the connection and never answers. Browsers have no such bound, and Node's fetch waits
   * 300 s.
   * @default 30000
   */
  connectTimeoutMs?: number;
  /**
   * Take an `event: error` in the wire contract's shape (JSON data with a string `message` and a
   * boolean `retryable`) as an {@link SseServerError}: `retryable: false` ends the Observable,
   * `true` retries. Any other `event: error` is an ordinary event either way; `false` makes every
   * one ordinary, for a server that uses the name for something else.
   * @default true
   */
  serverErrors?: boolean;
  /**
   * Called when the server says it could not resume from the id sent (the contract's
   * `event: reset`, see {@link SseReset}): events may be missing, reload what the app shows. The
   * reset event itself still flows through the stream; {@link parseJson} and {@link validate}
   * never report it as a bad payload.
   * @default undefined
   */
  onReset?: (reset: SseReset) => void;
  /**
   * Called on every chunk of bytes (heartbeat comments included) and when a connection opens, with
   * the server's announced heartbeat interval: how a UI tells a long silence from a dead link
   * ({@link connectSse} offers it as `activity$`).
   * @default undefined
   */
  onActivity?: (activity: SseActivity) => void;
  /**
   * The most a server may send for one event (one line plus the data buffered for its event), in
   * UTF-16 code units. Past it the request is aborted and the stream fails with an `SseProtocolError`
   * of type `max-size-exceeded` (not retried unless `shouldRetry` says so): an endless line or event
   * never grows memory without bound.
   * @default 8 MiB (8,388,608)
   */
  maxEventSize?: number;
  /** The `fetch` to use, e.g. one with a proxy agent or a test double; called with one `Request` per attempt. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Called on each change of connection state. @default undefined */
  onState?: (state: SseConnectionState) => void;
  /**
   * Pauses the stream while its latest value is `true`, e.g. {@link pageHidden} to free the server
   * while nobody looks. Pausing aborts the request (or cancels a pending retry) with no error and no
   * retry counted, and reports `paused`; the next `false` connects at once with `Last-Event-ID`, so a
   * server that replays loses and repeats nothing. A `true` on subscription sends no request at all.
   * @default undefined (never paused)
   */
  pauseWhen?: Observable<boolean>;
}

/**
 * Server-Sent Events from an endpoint, as a cold Observable over `fetch`.
 *
 * Each subscription sends one request (with `accept: text/event-stream`) and emits the events of the
 * response; unsubscribing aborts it at once. Unlike `EventSource`, any method, header, body or
 * credentials mode works (given in `config` beside the client options), and `config.init` may be a
 * function called before every attempt, to send a fresh token. A status other than 2xx or a content
 * type other than `text/event-stream` fails with an {@link SseHttpError}; a 204 completes, the
 * server's way of saying "do not reconnect". The sse-rx wire contract is understood: an
 * `event: error` in its shape is an {@link SseServerError}, an `event: reset` calls `onReset`, a
 * heartbeat announcement arms the stall watchdog. A URL or request that cannot be built (a relative
 * URL outside a browser, a GET with a body) fails at once with a `TypeError`, never retried.
 *
 * The type parameter maps event types to the data each carries once parsed: the events form a union
 * discriminated on `type`, narrowed by {@link ofType} and given typed `data` by {@link parseJson}
 * (`data` stays a string until then). Without it, any type is accepted and parsed data is `unknown`
 * (use {@link validate} to check it). The map is a claim about the server, not a check.
 * Resume state (last event id, server `retry:` value) belongs to one subscription; subscribing
 * again starts fresh from `config.lastEventId`.
 *
 * An `init` function that throws or rejects fails the attempt with its own error, which the default
 * retry rule does not retry (return `true` from `shouldRetry` for it if a retry can help).
 *
 * Nothing browser-specific happens by default. In a page, `pauseWhen: pageHidden()` pauses while the
 * tab is hidden and `reconnect: { retryNow: backOnline() }` reconnects as soon as the network is back
 * instead of waiting out the backoff.
 *
 * @example
 * ```ts
 * import { fromSse, ofType, parseJson } from 'sse-rx-client';
 * fromSse<{ tick: { n: number }; chat: string }>('https://example.com/events')
 *   .pipe(ofType('tick'), parseJson())
 *   .subscribe((event) => console.log(event.data.n));
 * // 1
 * // 2
 * ```
 * @param input - the URL of the stream.
 * @param config - the request fields (method, headers, body, credentials...) or an `init` function for them, and the client options: reconnection, pausing, watchdog, `fetch`; see {@link FromSseConfig}.
 * @returns A cold Observable of the stream's events.
 * @public
 */
export function fromSse<EventMap = Record<string, unknown>>(
  input: string | URL,
  config: FromSseConfig = {},
): Observable<SseEventOf<EventMap>> {
  // Every client option is named here, so that `fixed` holds the request fields alone; fetchEvents
  // reads the options it needs from `config` itself.
  const {
    init,
    reconnect = isIdempotent(config.method),
    lastEventId = '',
    stallTimeoutMs,
    connectTimeoutMs = 30_000,
    maxEventSize,
    serverErrors = true,
    fetch: fetchFn,
    onState,
    onReset,
    onActivity,
    pauseWhen,
    ...fixed
  } = config;
  if (!(connectTimeoutMs > 0)) throw new TypeError(`fromSse: connectTimeoutMs must be > 0, got ${connectTimeoutMs}`);
  // Left to the default, the reconnect rule follows the method in the config: `init` must not change it.
  const checkMethod = (fields: SseInit): SseInit => {
    if (config.reconnect !== undefined || isIdempotent(fields.method) === reconnect) return fields;
    throw new TypeError(
      `fromSse: init returned method ${fields.method}: set method in the config (the reconnect default depends on it) or set reconnect`,
    );
  };
  const reconnectConfig = reconnect === true ? {} : reconnect;
  // Built once, so bad settings throw here; each subscription still gets its own retry state.
  const retry =
    reconnectConfig &&
    retryBackoff<RawSseEvent>({
      ...reconnectConfig,
      onRetry: (context) => {
        onState?.({ status: 'reconnecting', ...context });
        reconnectConfig.onRetry?.(context);
      },
    });
  const fetchConfig: FetchEventsConfig = {
    ...config,
    input,
    init: init ? async () => checkMethod(mergeInit(fixed, await init())) : () => fixed,
    fetch: fetchFn ?? ((...args) => globalThis.fetch(...args)),
    reconnect: Boolean(retry),
    connectTimeoutMs,
    serverErrors,
  };
  return defer(() => {
    // The resume state of this subscription: kept across its reconnects and pauses, never shared.
    const state: SseResumeState = { lastEventId, retryMs: undefined };
    const attempt$ = defer(() => {
      onState?.({ status: 'connecting' });
      return fetchEvents(fetchConfig, state);
    });
    const live$ = retry ? attempt$.pipe(retry) : attempt$;
    const events$ = pauseWhen ? pausable(live$, pauseWhen, () => onState?.({ status: 'paused' })) : live$;
    return events$.pipe(finalize(() => onState?.({ status: 'closed' })));
  }) as Observable<SseEventOf<EventMap>>;
}

/** The fixed request fields with those of `init()` over them; headers merged name by name. */
function mergeInit(fixed: SseInit, fresh: SseInit): SseInit {
  const headers = new Headers(fixed.headers);
  for (const [name, value] of new Headers(fresh.headers)) headers.set(name, value);
  return { ...fixed, ...fresh, headers };
}

/** GET and HEAD may be sent again safely; other methods may start work on the server each time. */
function isIdempotent(method = 'GET'): boolean {
  return /^(get|head)$/i.test(method);
}
