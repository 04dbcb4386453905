import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { interval, map, startWith } from 'rxjs';
import { heartbeat, sendEvents, type SseMessage } from 'sse-rx-server';
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

async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

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
      const hello: SseMessage = { event: 'hello', data: JSON.stringify({ session: cookie(req, 'session') ?? null }) };
      const ticks$ = interval(periodMs).pipe(map((n): SseMessage => ({ event: 'tick', data: String(n) })));
      sendEvents(req, res, ticks$.pipe(startWith(hello), heartbeat(15_000)), { headers: cors.headers });
    } else {
      res.writeHead(404).end();
    }
  });
  let streamUrl = '';
  const site = createServer((req, res) => {
    if (req.url !== '/') return void res.writeHead(404).end();
    const session = cookie(req, 'session') ?? Math.random().toString(36).slice(2);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'set-cookie': `session=${session}; Path=/; HttpOnly; SameSite=Lax`,
    });
    res.end(page(streamUrl));
  });
  const siteOrigin = await listen(site, port);
  allowed.add(siteOrigin);
  streamUrl = `${await listen(stream, port === 0 ? 0 : port + 1)}/events`;
  return {
    url: `${siteOrigin}/`,
    streamUrl,
    close: async () => {
      await Promise.all([stop(site), stop(stream)]);
    },
  };
}
