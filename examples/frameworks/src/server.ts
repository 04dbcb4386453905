import { startExpress } from './servers/express.js';
import { startFastify } from './servers/fastify.js';
import { startHono } from './servers/hono.js';
import { startNest } from './servers/nest.js';
import { startNode } from './servers/node.js';
import type { Running } from './ticks.js';

/** The five servers: the node:http one's URL as `url`, every one's in `urls`. */
export interface RunningAll extends Running {
  urls: Record<'node' | 'express' | 'fastify' | 'hono' | 'nest', string>;
}

/**
 * Starts the same tick stream on node:http, Express, Fastify, Hono and NestJS, on ports
 * `port` to `port + 4` (free ports when `port` is 0); the NestJS one asks for an
 * `authorization` header.
 * @param port - the first port, 0 for free ones.
 * @param periodMs - the time between two ticks.
 * @returns the URLs and a `close()` that stops all five.
 */
export async function start(port = 0, periodMs = 1000): Promise<RunningAll> {
  const at = (offset: number) => (port === 0 ? 0 : port + offset);
  const servers = {
    node: await startNode(at(0), periodMs),
    express: await startExpress(at(1), periodMs),
    fastify: await startFastify(at(2), periodMs),
    hono: await startHono(at(3), periodMs),
    nest: await startNest(at(4), periodMs),
  };
  return {
    url: servers.node.url,
    urls: {
      node: servers.node.url,
      express: servers.express.url,
      fastify: servers.fastify.url,
      hono: servers.hono.url,
      nest: servers.nest.url,
    },
    close: async () => {
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
}
