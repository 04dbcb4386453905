/**
 * The response headers of an event stream, the one place sse-rx decides them.
 *
 * `cache-control: no-transform` stops proxies from compressing (and so buffering) the stream,
 * `x-accel-buffering: no` turns off nginx buffering. `connection: keep-alive` is only valid on
 * HTTP/1.x: HTTP/2 and HTTP/3 forbid connection-specific headers (Node's http2 throws on them),
 * so it is left out for any other major version.
 *
 * @example
 * ```ts
 * import { sseHeaders } from 'sse-rx-server';
 * sseHeaders(2);
 * // { 'content-type': 'text/event-stream; charset=utf-8',
 * //   'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' }
 * ```
 * @param httpVersionMajor - the request's HTTP major version (`req.httpVersionMajor` in Node);
 *   omit it for Web `Response`s, where the runtime owns connection headers.
 * @returns a fresh object of lower-case header names to values.
 * @public
 */
export function sseHeaders(httpVersionMajor?: number): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  };
  if (httpVersionMajor === 1) headers['connection'] = 'keep-alive';
  return headers;
}
