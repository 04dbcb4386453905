import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { interval, map, startWith } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { listen, requestPath } from 'sse-rx-example-support';
import { heartbeat, sendEvents } from 'sse-rx-server';
import { selfSignedCertificate } from './certificate.js';
import { page } from './page.js';

/** What the server sees of one protocol: the open streams and the connections they use. */
export interface ProtocolStats {
  streams: number;
  connections: number;
}

/** The two running servers. */
export interface Running {
  /** The page over HTTP/2, e.g. `https://127.0.0.1:3000/`. */
  h2Url: string;
  /** The same page over HTTP/1.1, e.g. `https://127.0.0.1:3001/`. */
  h1Url: string;
  /** The open streams and their connections, per protocol, as the server counts them. */
  stats(): { h2: ProtocolStats; h1: ProtocolStats };
  close(): Promise<void>;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** Counts open streams per connection (an HTTP/2 session, or an HTTP/1.1 socket). */
function counter() {
  const open = new Map<object, number>();
  return {
    add(connection: object, res: Response) {
      open.set(connection, (open.get(connection) ?? 0) + 1);
      res.once('close', () => {
        const left = (open.get(connection) ?? 1) - 1;
        if (left === 0) open.delete(connection);
        else open.set(connection, left);
      });
    },
    stats: (): ProtocolStats => ({ streams: [...open.values()].reduce((a, b) => a + b, 0), connections: open.size }),
  };
}

/**
 * Starts the same app twice with one self-signed certificate: over HTTP/2 on `port` and over
 * HTTP/1.1 on `port + 1` (both TLS; free ports when `port` is 0). `GET /` is the page,
 * `GET /events/<n>` stream n: `event: tick` with data `{"stream":n,"n":1}`, the first at once.
 * @param port - the HTTP/2 port, 0 for free ports.
 * @param periodMs - the time between two ticks of a stream.
 * @returns both URLs, the server's counts and `close()`.
 */
export async function start(port = 0, periodMs = 1000): Promise<Running> {
  const tls = await selfSignedCertificate();
  const urls = { h2: '', h1: '' };
  const counters = { h2: counter(), h1: counter() };
  const handler = (protocol: 'h2' | 'h1') => (req: Request, res: Response) => {
    const path = requestPath(req);
    const stream = path?.match(/^\/events\/(\d{1,3})$/)?.[1];
    if (path === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request target');
    } else if (path === '/') {
      const other = protocol === 'h2' ? { label: 'HTTP/1.1', url: urls.h1 } : { label: 'HTTP/2', url: urls.h2 };
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(other));
    } else if (stream !== undefined) {
      counters[protocol].add('stream' in req ? (req.stream.session ?? req) : req.socket, res);
      const ticks$ = interval(periodMs).pipe(
        startWith(-1),
        map((i): SseMessage => ({ event: 'tick', data: JSON.stringify({ stream: Number(stream), n: i + 2 }) })),
      );
      sendEvents(req, res, ticks$.pipe(heartbeat(15_000)));
    } else {
      res.writeHead(404).end();
    }
  };
  // allowHTTP1: false, so the HTTP/2 port really is HTTP/2 only; the https server speaks only HTTP/1.1.
  const h2 = await listen(createSecureServer({ ...tls, allowHTTP1: false }, handler('h2')), port);
  const h1 = await listen(createHttpsServer(tls, handler('h1')), port === 0 ? 0 : port + 1);
  urls.h2 = h2.url;
  urls.h1 = h1.url;
  return {
    h2Url: h2.url,
    h1Url: h1.url,
    stats: () => ({ h2: counters.h2.stats(), h1: counters.h1.stats() }),
    close: async () => {
      await Promise.all([h2.close(), h1.close()]);
    },
  };
}
