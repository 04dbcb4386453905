import { lastValueFrom, Observable, take, toArray } from 'rxjs';
import { createResumableStreams } from 'sse-rx-server';
import { describe, expect, it } from 'vitest';
import { createRedisResumableStore } from '../src/index.js';
import { startBlackHoleProxy } from './blackHoleProxy.js';
import { connect, useRedisSuite } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('createRedisResumableStore', () => {
  const suite = useRedisSuite();

  it('lets one claim of an id win across instances, and finds the stream from any of them', async () => {
    const other = connect(suite.server.port);
    try {
      const here = createRedisResumableStore({ redis: suite.redis, prefix: 't1:' });
      const there = createRedisResumableStore({ redis: other, prefix: 't1:' });
      const claims = await Promise.all(
        [here, there, here, there].map((s) => s.claim('a', { ttlMs: 5_000, keepMs: 1_000, maxEvents: 10 })),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await there.find('b')).toBeUndefined();
      const found = await there.find('a');
      expect(found).toMatchObject({ originId: '0-0', endId: undefined });
      expect(found!.deadline).toBeGreaterThan(Date.now() + 3_000);
      const ids = [await found!.events.append({ data: 'x' }), await found!.events.append({ data: 'y' })];
      const replay = await lastValueFrom((await here.find('a'))!.events.stream('0-0').pipe(take(2), toArray()));
      expect(replay.map((m) => [m.id, m.data])).toEqual([
        [ids[0], 'x'],
        [ids[1], 'y'],
      ]);
    } finally {
      other.disconnect();
    }
  });

  it('keeps both keys in one hash slot, expiring ttlMs after the first event and keepMs after the end', async () => {
    const store = createRedisResumableStore({ redis: suite.redis, prefix: 't2:' });
    expect(await store.claim('s', { ttlMs: 60_000, keepMs: 1_000, maxEvents: 10 })).toBe(true);
    const events = (await store.find('s'))!.events;
    await events.append({ data: 'x' });
    expect(await suite.redis.pttl('t2:{s}')).toBeGreaterThan(50_000);
    expect(await suite.redis.pttl('t2:{s}:state')).toBeGreaterThan(50_000);
    const endId = await events.append({ event: 'end', data: '{}' });
    await store.finish('s', endId, 2_000);
    expect(await suite.redis.pttl('t2:{s}')).toBeLessThanOrEqual(2_000);
    expect(await suite.redis.get('t2:{s}:state')).toMatch(new RegExp(`^ended:\\d+:${endId}$`));
    expect((await store.find('s'))?.endId).toBe(endId);
  });

  it('checks the read loop options when the store is made', () => {
    expect(() => createRedisResumableStore({ redis: suite.redis, readLoop: { blockMs: 0 } })).toThrow(
      'blockMs must be an integer >= 1, got 0.',
    );
  });

  it('stores an append once when its reply is lost and ioredis sends it again on a new connection', async () => {
    const proxy = await startBlackHoleProxy(suite.server.port);
    const producing = connect(proxy.port);
    try {
      const store = createRedisResumableStore({ redis: producing, prefix: 't4:' });
      expect(await store.claim('s', { ttlMs: 60_000, keepMs: 1_000, maxEvents: 10 })).toBe(true);
      const events = (await store.find('s'))!.events;
      await events.append({ data: 'a' });
      // Redis stores b, its reply is lost with the connection: ioredis reconnects and sends the XADD again.
      proxy.loseNextReply();
      const id = await events.append({ data: 'b' });
      await events.append({ data: 'c' });
      const entries = await suite.redis.xrange('t4:{s}', '-', '+');
      expect(entries.map(([, fields]) => fields[1])).toEqual(['a', 'b', 'c']);
      expect(entries[1]![0]).toBe(id);
    } finally {
      producing.disconnect();
      await proxy.close();
    }
  });

  it("appends after an entry ahead of the writer's clock (another instance's, running ahead), in order", async () => {
    const store = createRedisResumableStore({ redis: suite.redis, prefix: 't5:' });
    expect(await store.claim('s', { ttlMs: 60_000, keepMs: 1_000, maxEvents: 10 })).toBe(true);
    const ahead = `${Date.now() + 60_000}-0`;
    await suite.publisher.xadd('t5:{s}', ahead, 'data', 'ahead');
    const id = await (await store.find('s'))!.events.append({ data: 'after' });
    const entries = await suite.redis.xrange('t5:{s}', '-', '+');
    expect(entries.map(([entryId, fields]) => [entryId, fields[1]])).toEqual([
      [ahead, 'ahead'],
      [id, 'after'],
    ]);
  });

  it('runs the producer of createResumableStreams once when two instances start the same id', async () => {
    const other = connect(suite.server.port);
    let subscribed = 0;
    const producer$ = new Observable<{ data: string }>((subscriber) => {
      subscribed++;
      subscriber.next({ data: 'only' });
      subscriber.complete();
    });
    try {
      const instances = [suite.redis, other].map((redis) =>
        createResumableStreams({ store: createRedisResumableStore({ redis, prefix: 't3:' }) }),
      );
      const outcomes = await Promise.all(
        instances.map((streams) =>
          lastValueFrom(streams.start('same', producer$).pipe(toArray())).then(
            (messages) => messages.map((m) => m.event ?? m.data),
            (error: { code?: string }) => error.code,
          ),
        ),
      );
      expect(outcomes.sort()).toEqual([['only', 'end'], 'stream-exists'].sort());
      expect(subscribed).toBe(1);
    } finally {
      other.disconnect();
    }
  });
});
