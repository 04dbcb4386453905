import Fastify from 'fastify';
import { PortInUseError } from 'sse-rx-example-support';
import { sendEvents } from 'sse-rx-server';
import { ticks, type Running } from '../ticks.js';

/**
 * The tick stream on Fastify 5: `reply.hijack()` tells Fastify the route writes its own response,
 * then `sendEvents` streams into the Node objects `request.raw` and `reply.raw`, with the headers
 * Fastify plugins set (`@fastify/cors`, say), which `hijack()` would otherwise drop.
 * @param port - the port, 0 for any free one.
 * @param periodMs - the time between two ticks.
 * @returns the URL and `close()`.
 */
export async function startFastify(port = 0, periodMs = 1000): Promise<Running> {
  const app = Fastify({ forceCloseConnections: true });
  app.get('/ticks', (request, reply) => {
    reply.hijack();
    sendEvents(request.raw, reply.raw, ticks('fastify', periodMs), { headers: reply.getHeaders() });
  });
  const address = await app.listen({ port, host: '127.0.0.1' }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error;
  });
  return { url: `${address}/ticks`, close: () => app.close() };
}
