import type { SseNodeRequest } from './nodeTypes.js';

/**
 * A request as the sse-rx helpers read it: Node `http`/`http2` (Express, Fastify's
 * `request.raw`) or a Web `Request`.
 * @public
 */
export type SseRequest = SseNodeRequest | Request;

/**
 * Options of {@link readLastEventId}.
 * @public
 */
export interface ReadLastEventIdConfig {
  /**
   * The longest id accepted, in characters; a longer one is ignored.
   * @default 256
   */
  maxLength?: number;
  /**
   * Called with an ignored value and why: `'too-long'` or `'control-character'`.
   * @default undefined
   */
  onInvalid?: (value: string, reason: 'too-long' | 'control-character') => void;
}

// Ids come from the client: C0 controls and DEL never belong in one (the codec could not send them back).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Reads the id a reconnecting client wants to resume after: the `Last-Event-ID` header that
 * `EventSource` sends by itself, or else a `lastEventId` query parameter (for the first
 * connection of a page that remembered an id, where no header can be set).
 *
 * The value is untrusted: one longer than `maxLength` or holding a control character (a NUL,
 * a line break, from `%00` or `%0A` in the query) is ignored as if absent, and reported to
 * `onInvalid`. A present but bad header does not fall back to the query.
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
 * readLastEventId(new Request('http://x/events?lastEventId=a%00b'), { onInvalid: (v, why) => console.log(why) });
 * // control-character
 * // undefined
 * ```
 * @param request - the incoming request.
 * @param config - the length limit and a report callback; see {@link ReadLastEventIdConfig}.
 * @returns the id, or `undefined` when the client sent none or an invalid one.
 * @public
 */
export function readLastEventId(request: SseRequest, config: ReadLastEventIdConfig = {}): string | undefined {
  const header =
    request.headers instanceof Headers ? request.headers.get('last-event-id') : request.headers['last-event-id'];
  const value = typeof header === 'string' ? header : queryParameter(request.url);
  if (value === null) return undefined;
  const maxLength = config.maxLength ?? 256;
  const reason = value.length > maxLength ? 'too-long' : CONTROL.test(value) ? 'control-character' : undefined;
  if (reason === undefined) return value;
  config.onInvalid?.(value, reason);
  return undefined;
}

/** The `lastEventId` query parameter; null when absent or when the URL does not parse. */
function queryParameter(url: string | undefined): string | null {
  // Most stream requests carry no query: skip parsing a URL per connection for them.
  if (url === undefined || !url.includes('?')) return null;
  try {
    return new URL(url, 'http://localhost').searchParams.get('lastEventId');
  } catch {
    return null;
  }
}
