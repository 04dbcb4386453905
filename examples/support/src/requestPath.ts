import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

/**
 * The path of a request (`/events` for `GET /events?x=1`), or `undefined` when its target is not a
 * valid URL path (`GET //[`, where `new URL` throws): answer that with 400 instead of crashing.
 * @example
 * ```ts
 * import { requestPath } from 'sse-rx-example-support';
 * const path = requestPath(req);
 * if (path === undefined) return void res.writeHead(400).end('malformed request target');
 * ```
 * @param req - the request.
 * @returns the path, or `undefined` for a malformed target.
 */
export function requestPath(req: IncomingMessage | Http2ServerRequest): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}
