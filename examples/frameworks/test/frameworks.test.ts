import { afterAll, beforeAll, expect, test } from 'vitest';
import { firstTicks } from '../src/client.js';
import { start, type RunningAll } from '../src/server.js';

let running: RunningAll;
let urls: RunningAll['urls'];
beforeAll(async () => {
  running = await start(0, 20);
  urls = running.urls;
});
afterAll(() => running.close());

test.each(['node', 'express', 'fastify', 'hono'] as const)('%s serves the tick stream', async (name) => {
  const by = name === 'node' ? 'node:http' : name;
  expect(await firstTicks(urls[name], 3)).toEqual([
    { id: '1', n: 1, by },
    { id: '2', n: 2, by },
    { id: '3', n: 3, by },
  ]);
});
