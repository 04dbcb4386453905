import { Observable } from 'rxjs';
import { SseDecoder } from 'sse-rx-codec';
import { buildRequest } from './buildRequest.js';
import { readHeartbeatMs, readReset, readServerError } from './contract.js';
import {
  SseHttpError,
  SseNetworkError,
  SseServerError,
  SseStallError,
  SseStreamEndedError,
  type SseResumeState,
} from './errors.js';
import { MAX_TIMER_MS } from './operators/retryBackoff.js';
import { readSnippet } from './readSnippet.js';
import type { FromSseConfig } from './fromSse.js';
import type { RawSseEvent, SseInit } from './types.js';

/**
 * How one attempt of {@link fromSse} connects; shared by all attempts of a subscription. The
 * options of {@link FromSseConfig} as given (`stallTimeoutMs` undefined: the watchdog is armed from the
 * heartbeat announcement, if any), with the request and the resolved defaults over them.
 */
export interface FetchEventsConfig
  extends Pick<FromSseConfig, 'stallTimeoutMs' | 'maxEventSize' | 'onActivity' | 'onReset' | 'onState'> {
  input: string | URL;
  init: () => SseInit | Promise<SseInit>;
  fetch: typeof fetch;
  /** End of body is an error to retry (`true`) or completion (`false`). */
  reconnect: boolean;
  connectTimeoutMs: number;
  serverErrors: boolean;
}

/** The watchdog after a heartbeat announcement: this many intervals. */
const HEARTBEATS_BEFORE_STALL = 2.5;

/**
 * One request: a cold Observable of the events of one response body. It reads and updates `state`,
 * the resume state that outlives the attempt. Unsubscribing aborts the request.
 */
export function fetchEvents(config: FetchEventsConfig, state: SseResumeState): Observable<RawSseEvent> {
  return new Observable<RawSseEvent>((subscriber) => {
    const controller = new AbortController();
    /** The one timer of the attempt: the connect timeout until the head arrives, then the stall watchdog. */
    let timer: ReturnType<typeof setTimeout> | undefined;
    let heartbeatMs: number | undefined;
    /** The stall limit the watchdog runs with (undefined: none yet). */
    let watchedMs: number | undefined;
    /** When the last bytes arrived (`performance.now()`). */
    let bytesAtMs = 0;
    const fail = (error: unknown): void => {
      if (!controller.signal.aborted) subscriber.error(error);
      controller.abort();
    };
    const startTimer = (ms: number, onTimeout: () => void): void => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, Math.min(ms, MAX_TIMER_MS));
    };
    const stallMs = (): number | undefined =>
      config.stallTimeoutMs ?? (heartbeatMs === undefined ? undefined : heartbeatMs * HEARTBEATS_BEFORE_STALL);
    // The watchdog is not restarted on every chunk (a clearTimeout and a setTimeout, more than the
    // chunk's events cost when a live stream sends one per chunk): a chunk only notes the time, and
    // the timer, when it fires, fails the attempt or waits out the rest of the limit.
    const checkStall = (): void => {
      const ms = watchedMs as number;
      const quietMs = performance.now() - bytesAtMs;
      if (quietMs >= ms) fail(new SseStallError(`No data for ${ms} ms`, state));
      else startTimer(ms - quietMs, checkStall);
    };
    const onBytes = (): void => {
      bytesAtMs = performance.now();
      const ms = stallMs();
      if (ms !== watchedMs) {
        // The first chunk, or a heartbeat announcement arrived: the limit changed.
        watchedMs = ms;
        if (ms === undefined) clearTimeout(timer);
        else startTimer(ms, checkStall);
      }
      config.onActivity?.({ atMs: Date.now(), heartbeatMs });
    };

    const run = async (): Promise<void> => {
      const init = await config.init();
      if (controller.signal.aborted) return; // unsubscribed while `init` ran: send nothing
      const request = buildRequest(config.input, init, state.lastEventId, controller.signal);
      const connectMs = config.connectTimeoutMs;
      startTimer(connectMs, () =>
        fail(new SseStallError(`No response within ${connectMs} ms (connectTimeoutMs)`, state)),
      );
      let response: Response;
      try {
        response = await config.fetch(request);
      } catch (cause) {
        throw new SseNetworkError(`Request to ${request.url} failed`, state, { cause });
      }
      clearTimeout(timer);
      // "HTTP 204 No Content, and similar, must cause the user agent to fail the connection": no reconnect.
      if (response.status === 204) {
        subscriber.complete();
        return;
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!response.ok || !/^text\/event-stream\s*(;|$)/i.test(contentType)) {
        const snippet = await readSnippet(response);
        const reason = response.ok
          ? `answered "${contentType}", not text/event-stream: check the URL and that it streams events`
          : `failed with HTTP ${response.status} ${response.statusText}`.trimEnd();
        throw new SseHttpError(`SSE request to ${request.url} ${reason}`, response, snippet, state);
      }
      if (!response.body) throw new SseNetworkError('The response has no body', state);
      config.onState?.({ status: 'open' });
      await readEvents(response.body);
    };

    const onEvent = (event: RawSseEvent): void => {
      // An unsubscribe from inside a handler (a pause, say) drops the rest of the chunk: resume after the last event delivered.
      if (subscriber.closed) return;
      const report = config.serverErrors ? readServerError(event) : undefined;
      if (report) {
        // The contract's error: never an event, never a sign of health; the server ends the stream next.
        fail(new SseServerError(report, state));
        return;
      }
      state.lastEventId = event.lastEventId;
      const reset = config.onReset && readReset(event);
      if (reset) config.onReset?.(reset);
      subscriber.next(event);
    };

    const readEvents = async (body: ReadableStream<Uint8Array>): Promise<void> => {
      const decoder = new SseDecoder({
        lastEventId: state.lastEventId,
        maxEventSize: config.maxEventSize,
        onEvent,
        onRetry: (ms) => {
          state.retryMs = ms;
        },
        onComment: (comment) => {
          heartbeatMs = readHeartbeatMs(comment) ?? heartbeatMs;
        },
        // An event past maxEventSize ends the stream with the typed error; a bad retry: is ignored, as the spec says.
        onError: (error) => {
          if (error.type === 'max-size-exceeded') fail(error);
        },
      });
      const reader = body.getReader();
      try {
        for (;;) {
          onBytes();
          const { done, value } = await reader.read();
          if (done || subscriber.closed) break;
          decoder.feed(value);
          if (subscriber.closed) break;
          // Read after each chunk too: a block with an `id:` but no data moves it as well.
          state.lastEventId = decoder.lastEventId;
        }
      } catch (cause) {
        throw new SseNetworkError('The connection broke mid-stream', state, { cause });
      }
      decoder.end();
      // The server ended the stream: per spec a client reconnects, unless this is a one-shot stream.
      if (config.reconnect) fail(new SseStreamEndedError('The server ended the stream', state));
      else subscriber.complete();
    };

    run()
      .catch(fail)
      .finally(() => clearTimeout(timer));
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  });
}
