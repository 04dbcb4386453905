import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisResumableStore } from '../src/index.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('createRedisResumableStore while Redis is down', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A redis-server that keeps every acknowledged write across a kill, and a client that gives a command up after 2 reconnects. */
  async function setUp(): Promise<{ server: RedisServer; redis: Redis }> {
    const dir = mkdtempSync(join(tmpdir(), 'sse-rx-outage-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const server = await startRedisServer({ appendOnlyDir: dir });
    cleanup.push(() => server.kill());
    const redis = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    cleanup.push(() => redis.disconnect());
    return { server, redis };
  }

  it('an append made while Redis is down is tried again until Redis is back, and stored once', async () => {
    const { server, redis } = await setUp();
    const store = createRedisResumableStore({ redis, prefix: 'o1:' });
    expect(await store.claim('s', { ttlMs: 60_000, keepMs: 1_000, maxEvents: 10 })).toBe(true);
    const events = (await store.find('s'))!.events;
    await events.append({ data: 'a' });
    let reconnects = 0;
    redis.on('reconnecting', () => reconnects++);
    await server.kill();
    let settled = false;
    const appended = events.append({ data: 'b' }).finally(() => (settled = true));
    // ioredis gives a command up at every second reconnect (maxRetriesPerRequest: 1); the store tries again.
    await expect.poll(() => reconnects, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    expect(settled).toBe(false);
    await server.start();
    const id = await appended;
    await events.append({ data: 'c' });
    const entries = await redis.xrange('o1:{s}', '-', '+');
    expect(entries.map(([entryId, fields]) => [entryId === id, fields[1]])).toEqual([
      [false, 'a'],
      [true, 'b'],
      [false, 'c'],
    ]);
  });

  it("an append gives up at the stream's deadline when Redis stays down, with the last error", async () => {
    const { server, redis } = await setUp();
    const store = createRedisResumableStore({ redis, prefix: 'o2:' });
    expect(await store.claim('s', { ttlMs: 2_000, keepMs: 1_000, maxEvents: 10 })).toBe(true);
    const found = (await store.find('s'))!;
    await server.kill();
    const started = Date.now();
    await expect(found.events.append({ data: 'a' })).rejects.toThrow(/max retries|Connection is closed|ECONNREFUSED/i);
    // Given up near the deadline (a try in flight may end past it), not at ioredis's first give-up (about 150 ms).
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(Date.now()).toBeLessThan(found.deadline + 5_000);
  });
});
