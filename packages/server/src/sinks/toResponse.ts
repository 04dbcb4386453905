import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { admit, isRefusal } from './admission.js';
import { sseHeaders } from '../headers.js';
import type { StreamRegistry } from '../streamRegistryTypes.js';
import type { SseSinkConfig } from './pump.js';
import { httpStatusOf } from './httpStatusOf.js';
import { eventStream } from './toReadableStream.js';

/**
 * Options of {@link toResponse}: a `ResponseInit` (status, extra headers) plus the sink options.
 * @public
 */
export interface ToResponseConfig extends SseSinkConfig {
  /**
   * The response status.
   * @default 200
   */
  status?: number;
  /**
   * Extra headers, added to (and able to override) those of {@link sseHeaders}.
   * @default {}
   */
  headers?: HeadersInit;
  /**
   * Tracks this stream for limits, metrics and graceful shutdown; a stream the registry refuses
   * is answered with its status (429 or 503) and `Retry-After`, and the source is not subscribed.
   * @default undefined (not tracked)
   */
  registry?: StreamRegistry;
  /**
   * The request being answered, given to the registry's `key` function and counted as a resume
   * when it carries a `Last-Event-ID`.
   * @default undefined
   */
  request?: Request;
}

/**
 * Makes a Web `Response` that streams an Observable of messages, with the event-stream headers:
 * return it from a Hono, Bun, Deno, Next.js or Cloudflare handler. The body is
 * {@link toReadableStream}, so a client disconnect unsubscribes from the source. An error the
 * source raises while it is being subscribed (before any byte: an auth check in `defer`, say)
 * that carries a numeric `status` from 400 to 599 becomes a JSON response with that status and
 * the `mapError` data; any later error is an `event: error` message.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { interval, map } from 'rxjs';
 * import { toResponse } from 'sse-rx-server';
 * const app = new Hono();
 * app.get('/ticks', () => toResponse(interval(1000).pipe(map((n) => ({ data: String(n) })))));
 * // data: 0
 * //
 * // data: 1
 * ```
 * @param source$ - the messages to send; subscribed once per response body.
 * @param config - status, extra headers, backpressure and error mapping; see {@link ToResponseConfig}.
 * @returns a streaming `Response` with `content-type: text/event-stream; charset=utf-8`.
 * @public
 */
export function toResponse(source$: Observable<SseMessage>, config: ToResponseConfig = {}): Response {
  const admission = config.registry ? admit(config.registry, config.request) : undefined;
  if (admission && isRefusal(admission)) {
    return new Response(admission.body, { status: admission.status, headers: admission.headers });
  }
  let early: Response | undefined;
  const body = eventStream(
    source$,
    config,
    (error, data) => {
      const status = httpStatusOf(error);
      if (status === undefined) return false;
      early = new Response(data ?? '', { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
      admission?.release();
      return true;
    },
    admission,
  );
  if (early) return early;
  const headers = new Headers(sseHeaders());
  for (const [name, value] of new Headers(config.headers)) headers.set(name, value);
  return new Response(body, { status: config.status ?? 200, headers });
}
