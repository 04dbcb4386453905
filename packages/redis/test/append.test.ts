import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { connect } from './helpers.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('createRedisStore append', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = connect(server.port);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.kill();
  });

  it('appends data and event to the stream and resolves to the stream id', async () => {
    const id = await createRedisStore({ redis, stream: 'p1' }).append({ event: 'tick', data: 'one\ntwo' });
    expect(id).toMatch(/^\d+-\d+$/);
    expect(await redis.xrange('p1', '-', '+')).toEqual([[id, ['data', 'one\ntwo', 'event', 'tick']]]);
  });

  it("stores neither the message's own id nor its retry or comment: the stream id is the event id", async () => {
    const store = createRedisStore({ redis, stream: 'p2' });
    const id = await store.append({ data: '', id: 'mine', retry: 10, comment: 'note' });
    expect(await redis.xrange('p2', '-', '+')).toEqual([[id, ['data', '']]]);
  });

  it('trims the stream to maxEvents entries', async () => {
    const store = createRedisStore({ redis, stream: 'p3', maxEvents: 5, exactTrim: true });
    for (let n = 0; n < 20; n++) await store.append({ data: String(n) });
    const entries = await redis.xrange('p3', '-', '+');
    expect(entries.map(([, fields]) => fields[1])).toEqual(['15', '16', '17', '18', '19']);
  });

  it('trims the stream by age with ttlMs (MINID)', async () => {
    const store = createRedisStore({ redis, stream: 'p4', ttlMs: 60_000, exactTrim: true });
    await redis.xadd('p4', `${Date.now() - 120_000}-0`, 'data', 'old');
    const id = await store.append({ data: 'new' });
    expect(await redis.xrange('p4', '-', '+')).toEqual([[id, ['data', 'new']]]);
  });

  it('refuses bad trim options with a TypeError when the store is made', () => {
    expect(() => createRedisStore({ redis, stream: 'p5', maxEvents: -1 })).toThrow(TypeError);
    expect(() => createRedisStore({ redis, stream: 'p5', maxEvents: 1.5 })).toThrow(/maxEvents must be an integer/);
    expect(() => createRedisStore({ redis, stream: 'p5', maxEvents: 10, ttlMs: 1000 })).toThrow(/not both/);
    expect(() => createRedisStore({ redis, stream: 'p5', ttlMs: 0 })).toThrow(/ttlMs/);
  });

  it('refuses a message the codec refuses with a TypeError before XADD: nothing is stored', async () => {
    const store = createRedisStore({ redis, stream: 'p7' });
    await expect(store.append({ event: 'chat\nevent: admin', data: 'x' })).rejects.toThrow(TypeError);
    await expect(store.append({ event: 'a\rb', data: 'x' })).rejects.toThrow(/event/);
    await expect(store.append({ data: 42 as unknown as string })).rejects.toThrow(/data must be a string/);
    await expect(store.append({ event: 'no-data' })).rejects.toThrow(/append a message with data/);
    expect(await redis.exists('p7')).toBe(0);
    const id = await store.append({ event: 'chat', data: 'fine' });
    expect(await redis.xrange('p7', '-', '+')).toEqual([[id, ['data', 'fine', 'event', 'chat']]]);
  });
});
