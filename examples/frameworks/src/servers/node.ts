import { createServer } from 'node:http';
import { sendEvents } from 'sse-rx-server';
import { listenTicks, ticks, type Running } from '../ticks.js';

/**
 * The tick stream on plain `node:http`: `sendEvents(req, res, source$)`.
 * @param port - the port, 0 for any free one.
 * @param periodMs - the time between two ticks.
 * @returns the URL and `close()`.
 */
export function startNode(port = 0, periodMs = 1000): Promise<Running> {
  const server = createServer((req, res) => {
    if (req.url === '/ticks') sendEvents(req, res, ticks('node:http', periodMs));
    else res.writeHead(404).end();
  });
  return listenTicks(server, port);
}
