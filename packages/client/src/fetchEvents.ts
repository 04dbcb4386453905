import { Observable } from 'rxjs';
import { SseDecoder } from 'sse-rx-codec';
import { readHeartbeatMs, readReset, readServerError } from './contract.js';
import {
  SseHttpError,
  SseNetworkError,
  SseServerError,
  SseStallError,
  SseStreamEndedError,
  type SseResumeState,
} from './errors.js';
import type { RawSseEvent, SseActivity, SseInit, SseReset } from './types.js';

/** How one attempt of {@link fromSse} connects; shared by all attempts of a subscription. */
export interface FetchEventsConfig {
  input: string | URL;
  init: () => SseInit | Promise<SseInit>;
  fetch: typeof fetch;
  /** End of body is an error to retry (`true`) or completion (`false`). */
  reconnect: boolean;
  /** Explicit watchdog; undefined: armed from the heartbeat announcement, if any. */
  stallTimeoutMs: number | undefined;
  connectTimeoutMs: number;
  maxEventSize: number | undefined;
  serverErrors: boolean;
  onOpen: () => void;
  onActivity: ((activity: SseActivity) => void) | undefined;
  onReset: ((reset: SseReset) => void) | undefined;
}

/** How much of an error body to keep, and how long to wait for it. */
const SNIPPET_LENGTH = 512;
const SNIPPET_TIMEOUT_MS = 1000;
/** The watchdog after a heartbeat announcement: this many intervals. */
const HEARTBEATS_BEFORE_STALL = 2.5;
/** setTimeout's largest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One request: a cold Observable of the events of one response body. It reads and updates `state`,
 * the resume state that outlives the attempt. Unsubscribing aborts the request.
 */
export function fetchEvents(config: FetchEventsConfig, state: SseResumeState): Observable<RawSseEvent> {
  return new Observable<RawSseEvent>((subscriber) => {
    const controller = new AbortController();
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let heartbeatMs: number | undefined;
    const fail = (error: unknown): void => {
      if (!controller.signal.aborted) subscriber.error(error);
      controller.abort();
    };
    /** Aborts with an SseStallError unless bytes (or the head) come within `ms`; each call restarts it. */
    const armWatchdog = (ms: number | undefined, message: string): void => {
      clearTimeout(watchdog);
      if (ms === undefined) return;
      watchdog = setTimeout(() => fail(new SseStallError(message, state)), Math.min(ms, MAX_TIMER_MS));
    };
    const stallMs = (): number | undefined =>
      config.stallTimeoutMs ?? (heartbeatMs === undefined ? undefined : heartbeatMs * HEARTBEATS_BEFORE_STALL);
    const onBytes = (): void => {
      const ms = stallMs();
      armWatchdog(ms, `No data for ${ms} ms`);
      config.onActivity?.({ atMs: Date.now(), heartbeatMs });
    };

    const run = async (): Promise<void> => {
      const init = await config.init();
      if (controller.signal.aborted) return; // unsubscribed while `init` ran: send nothing
      const request = buildRequest(config.input, init, state.lastEventId, controller.signal);
      armWatchdog(config.connectTimeoutMs, `No response within ${config.connectTimeoutMs} ms (connectTimeoutMs)`);
      let response: Response;
      try {
        response = await config.fetch(request);
      } catch (cause) {
        throw new SseNetworkError(`Request to ${request.url} failed`, state, { cause });
      }
      clearTimeout(watchdog);
      // "HTTP 204 No Content, and similar, must cause the user agent to fail the connection": no reconnect.
      if (response.status === 204) {
        subscriber.complete();
        return;
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!response.ok || !/^text\/event-stream\s*(;|$)/i.test(contentType)) {
        const snippet = await readSnippet(response);
        const reason = response.ok
          ? `answered with content type "${contentType}" instead of text/event-stream: check the URL and that the endpoint streams events`
          : `failed with HTTP ${response.status} ${response.statusText}`.trimEnd();
        throw new SseHttpError(`SSE request to ${request.url} ${reason}`, response, snippet, state);
      }
      if (!response.body) throw new SseNetworkError('The response has no body', state);
      config.onOpen();
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
        ...(config.maxEventSize === undefined ? {} : { maxEventSize: config.maxEventSize }),
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
        throw new SseNetworkError('The connection broke while reading the stream', state, { cause });
      }
      decoder.end();
      // The server ended the stream: per spec a client reconnects, unless this is a one-shot stream.
      if (config.reconnect) fail(new SseStreamEndedError('The server ended the stream', state));
      else subscriber.complete();
    };

    run()
      .catch(fail)
      .finally(() => clearTimeout(watchdog));
    return () => {
      clearTimeout(watchdog);
      controller.abort();
    };
  });
}

/**
 * The request of one attempt. A URL or request that cannot be built is a programming error: a
 * `TypeError` that says what to fix, which no retry rule retries.
 */
function buildRequest(input: string | URL, init: SseInit, lastEventId: string, signal: AbortSignal): Request {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(input, base);
  } catch (cause) {
    const hint =
      base === undefined ? ' (outside a browser, give an absolute URL such as http://localhost:3000/events)' : '';
    throw new TypeError(`fromSse: "${String(input)}" is not a valid URL${hint}`, { cause });
  }
  try {
    const headers = new Headers(init.headers);
    headers.set('accept', 'text/event-stream');
    // "If the EventSource object's last event ID string is not the empty string, set
    // `Last-Event-ID`/last event ID string, encoded as UTF-8, in request's header list."
    if (lastEventId !== '') headers.set('last-event-id', utf8ByteString(lastEventId));
    return new Request(url, { ...init, headers, signal });
  } catch (cause) {
    throw new TypeError(`fromSse: cannot build the request to ${url.href}: ${(cause as Error).message}`, { cause });
  }
}

/** `text` encoded as UTF-8, one character per byte: how `Headers` takes a value's bytes as they are. */
function utf8ByteString(text: string): string {
  let bytes = '';
  for (const byte of new TextEncoder().encode(text)) bytes += String.fromCharCode(byte);
  return bytes;
}

/** The first characters of an error body, within a size and a time budget. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SNIPPET_TIMEOUT_MS);
  });
  try {
    while (text.length < SNIPPET_LENGTH) {
      const chunk = await Promise.race([reader.read(), timeUp]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // The snippet is a courtesy: a body that fails to read leaves what was read.
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, SNIPPET_LENGTH);
}
