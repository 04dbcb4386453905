import { createServer } from 'node:http';
import { concat, of } from 'rxjs';
import { heartbeat, sendEvents } from 'sse-rx-server';
import { listen, requestPath } from 'sse-rx-example-support';
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
    const path = requestPath(req);
    if (path === undefined) res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request target');
    else if (path === '/events') sendEvents(req, res, concat(of({ retry: 1000 }), ticks$.pipe(heartbeat(15_000))));
    else if (path === '/client.js')
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(clientScript);
    else if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end('not found');
  });
  const { url, close } = await listen(server, port);
  return { url: url.slice(0, -1), close };
}
