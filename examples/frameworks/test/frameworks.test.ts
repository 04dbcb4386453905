import { firstValueFrom } from 'rxjs';
import { fromSse, isSseHttpError } from 'sse-rx-client';
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

/** The NestJS server asks for one; the others ignore it. */
const withToken = { headers: { authorization: 'Bearer test' } };

test.each(['node', 'express', 'fastify', 'hono', 'nest'] as const)('%s serves the tick stream', async (name) => {
  const by = name === 'node' ? 'node:http' : name;
  expect(await firstTicks(urls[name], 3, withToken)).toEqual([
    { id: '1', n: 1, by },
    { id: '2', n: 2, by },
    { id: '3', n: 3, by },
  ]);
});

test('nest answers a request without a token with a real 401 and the JSON body', async () => {
  const response = await fetch(urls.nest);
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(await response.json()).toEqual({ status: 401, message: 'no token' });
});

test('nest without a token: sse-rx-client makes exactly one request and fails with SseHttpError 401', async () => {
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const error = await firstValueFrom(fromSse(urls.nest, { fetch: countingFetch })).catch((e: unknown) => e);
  expect(isSseHttpError(error)).toBe(true);
  expect(error).toMatchObject({
    name: 'SseHttpError',
    status: 401,
    bodySnippet: '{"status":401,"message":"no token"}',
  });
  expect(requests).toBe(1);
});
