import type { SseInit } from './types.js';

/**
 * The request of one attempt. A URL or request that cannot be built is a programming error: a
 * `TypeError` that says what to fix, which no retry rule retries.
 */
export function buildRequest(input: string | URL, init: SseInit, lastEventId: string, signal: AbortSignal): Request {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(input, base);
  } catch (cause) {
    const hint = base === undefined ? ' (outside a browser, give an absolute URL)' : '';
    throw new TypeError(`fromSse: "${input}" is not a valid URL${hint}`, { cause });
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
