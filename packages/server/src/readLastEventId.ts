import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

/**
 * Reads the id a reconnecting client wants to resume after: the `Last-Event-ID` header that
 * `EventSource` sends by itself, or else a `lastEventId` query parameter (for the first
 * connection of a page that remembered an id, where no header can be set).
 *
 * Works with a Node request (`http`, `http2`, Express, Fastify's `request.raw`) and a Web
 * `Request` (Hono's `c.req.raw`, Bun, Deno, Next.js).
 *
 * @example
 * ```ts
 * import { readLastEventId } from 'sse-rx-server';
 * readLastEventId(new Request('http://x/events?lastEventId=7'));
 * // '7'
 * readLastEventId(new Request('http://x/events', { headers: { 'last-event-id': '42' } }));
 * // '42'
 * ```
 * @param request - the incoming request.
 * @returns the id, or `undefined` when the client sent none.
 * @public
 */
export function readLastEventId(request: IncomingMessage | Http2ServerRequest | Request): string | undefined {
  const header = request.headers instanceof Headers ? request.headers.get('last-event-id') : request.headers['last-event-id'];
  if (typeof header === 'string') return header;
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('lastEventId');
  return query ?? undefined;
}
