import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import { encode, type SseEvent, SseDecoder, type SseMessage } from 'sse-rx-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { append, connect } from './helpers.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

/** The README's instance: a node:http server serving `store.stream(lastEventId)` with a minimal sink. */
function startInstance(redis: Redis): Promise<Server> {
  const store = createRedisStore({ redis, stream: 'chat' });
  const send = (res: ServerResponse, source$: Observable<SseMessage>): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const subscription = source$.subscribe({ next: (m) => res.write(encode(m)), error: () => res.end() });
    res.on('close', () => subscription.unsubscribe());
  };
  const server = createServer((req, res) =>
    send(res, store.stream(req.headers['last-event-id'] as string | undefined)),
  );
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Reads `count` events from an instance, then disconnects. */
async function readEvents(server: Server, count: number, lastEventId?: string): Promise<SseEvent[]> {
  const controller = new AbortController();
  const headers: Record<string, string> = lastEventId ? { 'last-event-id': lastEventId } : {};
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
    headers,
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const decoder = new SseDecoder({ onEvent: (event) => events.push(event) });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  // Bounded by the test timeout and by `count`.
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    decoder.feed(value);
  }
  controller.abort();
  return events.slice(0, count);
}

describe.skipIf(!redisServerAvailable)('two instances behind one Redis', () => {
  let redisServer: RedisServer;
  const clients: Redis[] = [];
  const servers: Server[] = [];
  beforeAll(async () => {
    redisServer = await startRedisServer();
    for (let i = 0; i < 3; i++) clients.push(connect(redisServer.port));
    for (const redis of clients.slice(0, 2)) servers.push(await startInstance(redis));
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    for (const server of servers) server.close();
    for (const redis of clients) redis.disconnect();
    await redisServer?.kill();
  });

  it('serves on one instance what was published anywhere, and resumes a client on the other instance', async () => {
    const [one, two] = servers as [Server, Server];
    const publisher = clients[2] as Redis;
    const ids: string[] = [];
    let visited = false;
    const firstVisit = readEvents(one, 3).finally(() => (visited = true));
    // Publish until the client has seen three: it gets a suffix of the events, in order.
    for (let n = 0; !visited && n < 100; n++) {
      ids.push(await append(publisher, 'chat', { event: 'chat', data: `m${n}` }));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seen = await firstVisit;
    expect(seen).toHaveLength(3);
    for (let n = 0; n < 60; n++) ids.push(await append(publisher, 'chat', { event: 'chat', data: `later ${n}` }));

    const lastSeen = (seen[2] as SseEvent).lastEventId;
    const missed = ids.slice(ids.indexOf(lastSeen) + 1);
    const resumed = await readEvents(two, missed.length, lastSeen);
    expect(resumed.map((e) => e.lastEventId)).toEqual(missed);
    expect(resumed.every((e) => e.type === 'chat')).toBe(true);
  });

  it('answers a malformed Last-Event-ID with a reset event carrying the newest id', async () => {
    const newest = await append(clients[2] as Redis, 'chat', { event: 'chat', data: 'newest' });
    const [reset] = await readEvents(servers[0] as Server, 1, 'nope');
    expect(reset).toMatchObject({
      type: 'reset',
      data: '{"reason":"malformed","lastEventId":"nope"}',
      lastEventId: newest,
    });
  });
});
