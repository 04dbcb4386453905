import type { Redis } from 'ioredis';
import { from } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish, publishTo } from '../src/index.js';
import { collect, connect } from './helpers.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('publish', () => {
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

  it('appends data and event to the stream and returns the stream id', async () => {
    const id = await publish(redis, 'p1', { event: 'tick', data: 'one\ntwo' });
    expect(id).toMatch(/^\d+-\d+$/);
    expect(await redis.xrange('p1', '-', '+')).toEqual([[id, ['data', 'one\ntwo', 'event', 'tick']]]);
  });

  it('stores an empty data field for a message without data', async () => {
    const id = await publish(redis, 'p2', { event: 'ping' });
    expect(await redis.xrange('p2', '-', '+')).toEqual([[id, ['data', '', 'event', 'ping']]]);
  });

  it('trims the stream to maxLen entries', async () => {
    for (let n = 0; n < 20; n++) await publish(redis, 'p3', { data: String(n) }, { maxLen: 5, exact: true });
    const entries = await redis.xrange('p3', '-', '+');
    expect(entries.map(([, fields]) => fields[1])).toEqual(['15', '16', '17', '18', '19']);
  });

  it('trims the stream by minId', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await publish(redis, 'p4', { data: String(n) }, { maxLen: Infinity }));
    await publish(redis, 'p4', { data: '5' }, { minId: ids[3] as string, exact: true });
    expect((await redis.xrange('p4', '-', '+')).map(([, fields]) => fields[1])).toEqual(['3', '4', '5']);
  });

  it('refuses a negative or fractional maxLen with a TypeError', async () => {
    await expect(publish(redis, 'p5', { data: 'x' }, { maxLen: -1 })).rejects.toThrow(TypeError);
    await expect(publish(redis, 'p5', { data: 'x' }, { maxLen: 1.5 })).rejects.toThrow(/non-negative integer/);
  });

  it('publishTo publishes in source order and emits the ids', async () => {
    const messages = Array.from({ length: 30 }, (_, n) => ({ data: String(n) }));
    const ids = await collect(from(messages).pipe(publishTo(redis, 'p6')), 30);
    const entries = await redis.xrange('p6', '-', '+');
    expect(entries.map(([id]) => id)).toEqual(ids);
    expect(entries.map(([, fields]) => fields[1])).toEqual(messages.map((m) => m.data));
  });

  it('refuses a message the codec refuses with a TypeError before XADD: nothing is stored', async () => {
    await expect(publish(redis, 'p7', { event: 'chat\nevent: admin', data: 'x' })).rejects.toThrow(TypeError);
    await expect(publish(redis, 'p7', { event: 'a\rb', data: 'x' })).rejects.toThrow(/event/);
    await expect(publish(redis, 'p7', { data: 42 as unknown as string })).rejects.toThrow(/data must be a string/);
    expect(await redis.exists('p7')).toBe(0);
    const id = await publish(redis, 'p7', { event: 'chat', data: 'fine' });
    expect(await redis.xrange('p7', '-', '+')).toEqual([[id, ['data', 'fine', 'event', 'chat']]]);
  });
});
