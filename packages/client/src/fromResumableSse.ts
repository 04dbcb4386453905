import { catchError, concat, defer, EMPTY, finalize, type Observable, takeWhile, tap, throwError } from 'rxjs';
import { SseConnectionError, SseHttpError, type SseResumeState, SseStreamEndedError } from './errors.js';
import { type FromSseConfig, fromSse } from './fromSse.js';
import { retryBackoff, type RetryBackoffConfig } from './operators/retryBackoff.js';
import type { RawSseEvent, SseEventOf, SseInit } from './types.js';

/** The request header that carries the stream id of a resumable stream's start request. */
const STREAM_ID_HEADER = 'sse-rx-stream-id';

/**
 * Options of {@link fromResumableSse}: those of {@link fromSse} (the request fields are for the
 * start request; headers, credentials and `init` also apply to every resume) without `pauseWhen`
 * and `lastEventId`, plus where to resume.
 * @public
 */
export interface ResumableSseConfig extends Omit<FromSseConfig, 'reconnect' | 'lastEventId' | 'pauseWhen'> {
  /** The URL that follows a stream by id, with a `GET` and `Last-Event-ID`: e.g. `(id) => '/answers/' + id`. */
  resumeUrl: (streamId: string) => string | URL;
  /**
   * The stream's id, sent in the `sse-rx-stream-id` header of the start request. Each subscription
   * should start a new stream: leave it unset for a fresh random one per subscription.
   * @default 32 random hex digits (`crypto.getRandomValues`), new on each subscription
   */
  streamId?: string;
  /**
   * How resumes back off (see {@link retryBackoff}); `true` for the defaults. Resumes are `GET`s;
   * the start request is never sent again.
   * @default true
   */
  reconnect?: true | RetryBackoffConfig;
  /** The start request's method. @default 'POST' */
  method?: string;
}

/**
 * A resumable one-shot stream (an LLM answer, say) from sse-rx-server's `createResumableStreams`:
 * the first request (a `POST` by default, with the `body` you give and the stream id in the
 * `sse-rx-stream-id` header) starts it; when its connection breaks, stalls or ends early, the
 * stream is followed with a `GET` to `resumeUrl(streamId)` carrying `Last-Event-ID`, with backoff,
 * as often as needed: every event arrives once, in order, and the start request is never sent
 * again. The Observable completes on the server's terminal `event: end` (not emitted) and fails
 * with an {@link SseServerError} on a terminal `event: error` (cancelled, expired, the producer's
 * error). A start answered with an HTTP error (400, 409, 5xx...) fails at once: the server did not
 * start the stream. A resume answered 404 fails too: the stream is unknown, or dropped since.
 *
 * @example
 * ```ts
 * import { fromResumableSse, ofType, parseJson } from 'sse-rx-client';
 * fromResumableSse<{ token: { text: string } }>('https://example.com/answers', {
 *   body: JSON.stringify({ prompt: 'Why stream tokens?' }),
 *   headers: { 'content-type': 'application/json' },
 *   resumeUrl: (id) => `https://example.com/answers/${id}`,
 * })
 *   .pipe(ofType('token'), parseJson())
 *   .subscribe((event) => console.log(event.data.text));
 * // 'Because' ' users' ' wait' ... (complete after event: end)
 * ```
 * @param input - the URL of the start request.
 * @param config - the start request, where to resume and the client options; see {@link ResumableSseConfig}.
 * @returns a cold Observable of the stream's events: each subscription starts one stream.
 * @public
 */
export function fromResumableSse<EventMap = Record<string, unknown>>(
  input: string | URL,
  config: ResumableSseConfig,
): Observable<SseEventOf<EventMap>> {
  const { resumeUrl, streamId: fixedId, reconnect = true, onState, method = 'POST', body, init, ...shared } = config;
  if (typeof resumeUrl !== 'function')
    throw new TypeError(
      "fromResumableSse: resumeUrl must be a function of the stream id, e.g. (id) => '/answers/' + id",
    );
  const backoff = reconnect === true ? {} : reconnect;
  // The inner requests' states, but one `closed` for the whole stream (from the finalize below).
  const innerState: FromSseConfig['onState'] = (state) => {
    if (state.status === 'connecting' || state.status === 'open') onState?.(state);
  };
  // Resumes are GETs: the method and body of `init` belong to the start request only.
  const resumeInit =
    init &&
    (async (): Promise<SseInit> => {
      const { method: _method, body: _body, ...fields } = await init();
      return fields;
    });

  const refusedStarts = new WeakSet<object>();
  // Built once, so bad settings throw here; each subscription still gets its own retry state.
  const retry = retryBackoff<RawSseEvent>({
    ...backoff,
    shouldRetry: (context) =>
      context.error instanceof SseHttpError && refusedStarts.has(context.error)
        ? false
        : backoff.shouldRetry?.(context),
    onRetry: (context) => {
      onState?.({ status: 'reconnecting', ...context });
      backoff.onRetry?.(context);
    },
  });

  return defer(() => {
    const streamId = fixedId ?? randomStreamId();
    const headers = new Headers(shared.headers);
    headers.set(STREAM_ID_HEADER, streamId);
    const resume: SseResumeState = { lastEventId: '', retryMs: undefined };
    let started = false;
    let ended = false;
    const attempt$ = defer(() => {
      const starting = !started;
      const request$ = started
        ? fromSse(resumeUrl(streamId), {
            ...shared,
            headers,
            init: resumeInit,
            method: 'GET',
            reconnect: false,
            lastEventId: resume.lastEventId,
            onState: innerState,
          })
        : fromSse(input, { ...shared, headers, init, method, body, reconnect: false, onState: innerState });
      started = true;
      const events$ = request$.pipe(
        tap((event) => (resume.lastEventId = event.lastEventId)),
        takeWhile((event) => {
          ended = event.type === 'end';
          return !ended;
        }),
        catchError((error: unknown) => {
          if (error instanceof SseConnectionError && error.lastEventId) resume.lastEventId = error.lastEventId;
          // The server answered the start request with an error status: it did not start the stream.
          if (starting && error instanceof SseHttpError) refusedStarts.add(error);
          return throwError(() => error);
        }),
      );
      // A body that ends before the terminal event is a broken connection: resume.
      const early$ = defer(() =>
        ended ? EMPTY : throwError(() => new SseStreamEndedError('The stream ended before its end event', resume)),
      );
      return concat(events$, early$);
    });
    return attempt$.pipe(
      retry,
      finalize(() => onState?.({ status: 'closed' })),
    );
  }) as Observable<SseEventOf<EventMap>>;
}

/**
 * 128 random bits as 32 hex digits: `crypto.getRandomValues` works in every context, where
 * `crypto.randomUUID` is missing from pages served over plain HTTP (other than localhost).
 */
function randomStreamId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
