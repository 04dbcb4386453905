import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { interval, map, startWith } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { heartbeat, sendEvents } from 'sse-rx-server';
import { listen } from 'sse-rx-example-support';
import { checkOrigin, cookie } from './cors.js';
import { page } from './page.js';

/** The two running servers. */
export interface Running {
  /** Origin A: the page, e.g. `http://127.0.0.1:3000/`. */
  url: string;
  /** Origin B: the stream, e.g. `http://127.0.0.1:3001/events`. */
  streamUrl: string;
  close(): Promise<void>;
}

/**
 * The `session` cookie of a request; a malformed one (`session=%`, a CR or LF in it) is answered
 * with 400 here and gives `null`.
 */
function session(req: IncomingMessage, res: ServerResponse): string | undefined | null {
  try {
    return cookie(req, 'session');
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end((error as TypeError).message);
    return null;
  }
}

/**
 * Starts origin A (the page, which sets a `session` cookie) on `port` and origin B (the stream)
 * on `port + 1` (or any free port when `port` is 0). B allows A's origin and `extraOrigins`,
 * echoes the allowed origin with credentials, and refuses any other origin with 403. Its stream
 * greets with the cookie it received (`event: hello`), then sends a `tick` every `periodMs`.
 * Cookies are per host, not per port, so the cookie A sets reaches B.
 * @param port - origin A's port, 0 for free ports.
 * @param extraOrigins - more origins allowed to read the stream.
 * @param periodMs - the time between two ticks.
 * @returns both URLs and a `close()` function.
 */
export async function start(port = 0, extraOrigins: string[] = [], periodMs = 1000): Promise<Running> {
  const allowed = new Set(extraOrigins);
  const stream = createServer((req, res) => {
    const cors = checkOrigin(req, allowed);
    if (!cors.allowed) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('origin not allowed');
    } else if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...cors.headers,
          'access-control-allow-methods': 'GET',
          'access-control-allow-headers': 'last-event-id',
        })
        .end();
    } else if (req.method === 'GET' && req.url === '/events') {
      const received = session(req, res);
      if (received === null) return;
      const hello: SseMessage = { event: 'hello', data: JSON.stringify({ session: received ?? null }) };
      const ticks$ = interval(periodMs).pipe(map((n): SseMessage => ({ event: 'tick', data: String(n) })));
      sendEvents(req, res, ticks$.pipe(startWith(hello), heartbeat(15_000)), { headers: cors.headers });
    } else {
      res.writeHead(404).end();
    }
  });
  let streamUrl = '';
  const site = createServer((req, res) => {
    if (req.url !== '/') return void res.writeHead(404).end();
    const received = session(req, res);
    if (received === null) return;
    const id = encodeURIComponent(received ?? Math.random().toString(36).slice(2));
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'set-cookie': `session=${id}; Path=/; HttpOnly; SameSite=Lax`,
    });
    res.end(page(streamUrl));
  });
  const siteListening = await listen(site, port);
  allowed.add(new URL(siteListening.url).origin);
  const streamListening = await listen(stream, port === 0 ? 0 : port + 1);
  streamUrl = `${streamListening.url}events`;
  return {
    url: siteListening.url,
    streamUrl,
    close: async () => {
      await Promise.all([siteListening.close(), streamListening.close()]);
    },
  };
}
