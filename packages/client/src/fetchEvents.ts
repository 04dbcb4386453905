import { Observable } from 'rxjs';
import { SseDecoder } from 'sse-rx-codec';
import { SseHttpError, SseNetworkError, SseStallError, SseStreamEndedError, type SseResumeState } from './errors.js';
import type { RawSseEvent, SseInit } from './types.js';

/** How one attempt of {@link fromSse} connects; shared by all attempts of a subscription. */
export interface FetchEventsConfig {
  input: string | URL;
  init: () => SseInit | Promise<SseInit>;
  fetch: typeof fetch;
  /** End of body is an error to retry (`true`) or completion (`false`). */
  reconnect: boolean;
  stallTimeoutMs: number | undefined;
  maxEventSize: number | undefined;
  onOpen: () => void;
}

const SNIPPET_LENGTH = 512;

/**
 * One request: a cold Observable of the events of one response body. It reads and updates `state`,
 * the resume state that outlives the attempt. Unsubscribing aborts the request.
 */
export function fetchEvents(config: FetchEventsConfig, state: SseResumeState): Observable<RawSseEvent> {
  return new Observable<RawSseEvent>((subscriber) => {
    const controller = new AbortController();
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    const fail = (error: unknown): void => {
      if (!controller.signal.aborted) subscriber.error(error);
    };
    const armWatchdog = (): void => {
      if (config.stallTimeoutMs === undefined) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        subscriber.error(new SseStallError(`No data for ${config.stallTimeoutMs} ms`, state));
        controller.abort();
      }, config.stallTimeoutMs);
    };

    const run = async (): Promise<void> => {
      const init = await config.init();
      const headers = new Headers(init.headers);
      headers.set('accept', 'text/event-stream');
      // "If the EventSource object's last event ID string is not the empty string, set
      // `Last-Event-ID`/last event ID string, encoded as UTF-8, in request's header list."
      if (state.lastEventId !== '') headers.set('last-event-id', state.lastEventId);
      armWatchdog();
      let response: Response;
      try {
        response = await config.fetch(config.input, { ...init, headers, signal: controller.signal });
      } catch (cause) {
        throw new SseNetworkError(`Request to ${String(config.input)} failed`, state, { cause });
      }
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
        throw new SseHttpError(`SSE request to ${String(config.input)} ${reason}`, response, snippet, state);
      }
      if (!response.body) throw new SseNetworkError('The response has no body', state);
      config.onOpen();
      await readEvents(response.body);
    };

    const readEvents = async (body: ReadableStream<Uint8Array>): Promise<void> => {
      const decoder = new SseDecoder({
        lastEventId: state.lastEventId,
        ...(config.maxEventSize === undefined ? {} : { maxEventSize: config.maxEventSize }),
        onEvent: (event) => {
          // An unsubscribe from inside a handler (a pause, say) drops the rest of the chunk: resume after the last event delivered.
          if (subscriber.closed) return;
          state.lastEventId = event.lastEventId;
          subscriber.next(event);
        },
        onRetry: (ms) => {
          state.retryMs = ms;
        },
        // An event past maxEventSize ends the stream with the typed error; a bad retry: is ignored, as the spec says.
        onError: (error) => {
          if (error.type === 'max-size-exceeded') fail(error);
        },
      });
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || subscriber.closed) break;
          armWatchdog();
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
      if (config.reconnect) subscriber.error(new SseStreamEndedError('The server ended the stream', state));
      else subscriber.complete();
    };

    run()
      .catch(fail)
      .finally(() => clearTimeout(stallTimer));
    return () => {
      clearTimeout(stallTimer);
      controller.abort();
    };
  });
}

/** The first characters of an error body, without waiting for an endless one. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < SNIPPET_LENGTH) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
  } catch {
    // The snippet is a courtesy: a body that fails to read leaves what was read.
  }
  return text.slice(0, SNIPPET_LENGTH);
}
