import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { toResponse } from 'sse-rx-server';
import { listenTicks, ticks, type Running } from '../ticks.js';

/**
 * The tick stream on Hono, served on Node by `@hono/node-server`: the handler returns
 * `toResponse(source$)`, a Web `Response` whose body unsubscribes when the client leaves.
 * @param port - the port, 0 for any free one.
 * @param periodMs - the time between two ticks.
 * @returns the URL and `close()`.
 */
export function startHono(port = 0, periodMs = 1000): Promise<Running> {
  const app = new Hono();
  app.get('/ticks', () => toResponse(ticks('hono', periodMs)));
  return listenTicks(createAdaptorServer({ fetch: app.fetch }) as Server, port);
}
