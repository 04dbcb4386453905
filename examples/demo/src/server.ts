import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { concat, of } from 'rxjs';
import { heartbeat, sendEvents } from 'sse-rx-server';
import { bundleClient } from './bundle.js';
import { page } from './page.js';
import { createTicker } from './ticker.js';

/** A running demo server. */
export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the demo on 127.0.0.1: `/` (the page), `/client.js` (sse-rx-client for the page) and
 * `/events` (the shared ticker, with a retry hint and a heartbeat comment when idle).
 */
export async function start(port = 0, tickMs = 1000): Promise<DemoServer> {
  const clientScript = await bundleClient();
  const ticks$ = createTicker(tickMs);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/events') sendEvents(req, res, concat(of({ retry: 1000 }), ticks$.pipe(heartbeat(15_000))));
    else if (path === '/client.js')
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(clientScript);
    else if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
