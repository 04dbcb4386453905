import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { sseHeaders } from '../headers.js';
import { admit, isRefusal } from './admission.js';
import { checkHeadTimeout, type SseResponseConfig } from './responseConfig.js';
import { eventStream } from './toReadableStream.js';

/**
 * Headers as {@link toResponse} takes them: a `Headers`, a list of name-value pairs or a record.
 * Written out so that the types need no DOM lib (a Node project with `lib: ["es2022"]` compiles).
 *
 * @example
 * ```ts
 * import type { SseWebHeaders } from 'sse-rx-server';
 * const headers: SseWebHeaders = { 'access-control-allow-origin': '*' };
 * ```
 * @public
 */
export type SseWebHeaders = Iterable<readonly [string, string]> | Readonly<Record<string, string>>;

/**
 * Options of {@link toResponse}.
 * @public
 */
export interface ToResponseConfig extends SseResponseConfig {
  /**
   * Extra headers, added to (and able to override) those of {@link sseHeaders}, and sent on error
   * answers too (so CORS headers reach a browser that must read a 401).
   * @default {}
   */
  headers?: SseWebHeaders;
  /**
   * The request being answered: a `HEAD` or `OPTIONS` request gets an answer without a stream;
   * when its `signal` aborts (the client left) the source is unsubscribed, even before the head
   * went out; it is given to `onError` and the registry's `key` function, and counted as a resume
   * when it carries a `Last-Event-ID`.
   * @default undefined
   */
  request?: Request;
}

/**
 * Makes a Web `Response` that streams an Observable of messages, with the event-stream headers:
 * return it from a Hono, Bun, Deno, Next.js or Cloudflare handler (they all take a promise).
 *
 * The promise resolves once the head may go out: at the first message that is more than a
 * comment or a `retry:` hint, at `STREAM_READY`, or after `headTimeoutMs`, whichever comes first.
 * An error from the source before that (sync or async: an auth check, say) resolves it with a
 * JSON response instead, with the error's HTTP status (its numeric `status` from 400 to 599, else
 * 500) and the body `{"status","code"?,"message"}`; a later one is an `event: error` with data
 * `{"status","code"?,"message","retryable"}`, then the end (see `mapError`; every error goes to
 * `onError`). The body is {@link toReadableStream}'s, so a client disconnect unsubscribes from the
 * source. Given a `request`, its `signal` aborting (the client left) also unsubscribes and ends the
 * stream, even while the head is held (the runtime does not have the body yet, so cannot cancel it).
 * Given a `request` whose method is `HEAD` (or `OPTIONS`), it answers with the headers (or 204) and
 * no body, and never subscribes.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { interval, map } from 'rxjs';
 * import { toResponse } from 'sse-rx-server';
 * const app = new Hono();
 * app.get('/ticks', (c) => toResponse(interval(1000).pipe(map((n) => ({ data: String(n) }))), { request: c.req.raw }));
 * // data: 0
 * //
 * // data: 1
 * ```
 * @param source$ - the messages to send; subscribed once per response body.
 * @param config - status, extra headers, the head timeout, backpressure and errors; see {@link ToResponseConfig}.
 * @throws TypeError when `headTimeoutMs` is not from 0 to 2^31 - 1 (the only throw: a misuse).
 * @returns a promise of a streaming `Response` with `content-type: text/event-stream; charset=utf-8`
 *   (or of the JSON error answer); it never rejects.
 * @public
 */
export function toResponse(source$: Observable<SseMessage>, config: ToResponseConfig = {}): Promise<Response> {
  checkHeadTimeout(config);
  const { request } = config;
  const status = config.status ?? 200;
  if (request?.method === 'HEAD') return Promise.resolve(new Response(null, { status, headers: headersOf(config) }));
  if (request?.method === 'OPTIONS') {
    return Promise.resolve(new Response(null, { status: 204, headers: webHeaders(config.headers) }));
  }
  const admission = config.registry ? admit(config.registry, request) : undefined;
  if (admission && isRefusal(admission)) {
    return Promise.resolve(new Response(admission.body, { status: admission.status, headers: admission.headers }));
  }
  return new Promise<Response>((resolve) => {
    // The stream subscribes while it is built, so the head may be due before `body` is assigned.
    let body: ReadableStream<Uint8Array> | undefined;
    let opened = false;
    let answered = false;
    const open = () => {
      opened = true;
      if (!body || answered) return;
      answered = true;
      resolve(new Response(body, { status, headers: headersOf(config) }));
    };
    const reject = (errorStatus: number, text: string, answerHeaders: Record<string, string>) => {
      const headers = webHeaders(config.headers);
      for (const [name, value] of Object.entries(answerHeaders)) headers.set(name, value);
      resolve(new Response(text, { status: errorStatus, headers }));
    };
    body = eventStream(source$, config, { open, reject, request, signal: request?.signal }, admission);
    if (opened) open();
  });
}

/** The event-stream headers with the extra ones over them. */
function headersOf(config: ToResponseConfig): Headers {
  const headers = new Headers(sseHeaders());
  for (const [name, value] of webHeaders(config.headers)) headers.set(name, value);
  return headers;
}

/** A `Headers` of the extra ones (`append`s, as the `Headers` constructor does). */
function webHeaders(init: SseWebHeaders = {}): Headers {
  const headers = new Headers();
  for (const [name, value] of Symbol.iterator in init ? init : Object.entries(init)) headers.append(name, value);
  return headers;
}
