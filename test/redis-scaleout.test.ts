import { Redis } from 'ioredis';
import { firstValueFrom, map, take, tap, toArray } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import { createRedisStore, type RedisStore } from 'sse-rx-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../packages/redis/test/redisServer.js';
import { type RedisInstance, startRedisInstance } from './support/redisInstance.js';

if (!redisServerAvailable)
  console.warn(
    '\n*** redis-server not found: Redis scale-out e2e tests SKIPPED (apt-get install -y redis-server) ***\n',
  );

const STREAM = 'scaleout';

describe.skipIf(!redisServerAvailable)('sse-rx-server instances scaled out over Redis, read by sse-rx-client', () => {
  let redisServer: RedisServer;
  let instances: RedisInstance[];
  let redis: Redis;
  let publisher: RedisStore;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    instances = await Promise.all([1, 2, 3].map(() => startRedisInstance(redisServer.port, STREAM)));
    redis = new Redis({ host: '127.0.0.1', port: redisServer.port });
    publisher = createRedisStore({ redis, stream: STREAM });
  });
  afterAll(async () => {
    for (const instance of instances ?? []) await instance.stop();
    redis?.disconnect();
    await redisServer?.kill();
  });

  /** Publishes `seq:from`..`seq:to`, one every `everyMs`. */
  async function publishRange(from: number, to: number, everyMs = 2) {
    for (let n = from; n <= to; n++) {
      await publisher.append({ event: 'seq', data: String(n) });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  /** Reads `count` sequence numbers from an instance, starting after `lastEventId` if given. */
  const read = (url: string, count: number, lastEventId?: string) =>
    fromSse(`${url}/events`, lastEventId === undefined ? {} : { lastEventId }).pipe(take(count));

  it('delivers an event published anywhere to every client on every instance, once and in order', async () => {
    // '0-0': from the start of the (still empty) stream, so no event is missed while clients connect.
    const readers = instances.flatMap(({ http }) =>
      [1, 2].map(() =>
        firstValueFrom(
          read(http.url, 100, '0-0').pipe(
            map((e) => Number(e.data)),
            toArray(),
          ),
        ),
      ),
    );
    await publishRange(1, 100);
    const results = await Promise.all(readers);
    for (const received of results) expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('resumes on another instance from Last-Event-ID while publishing goes on: nothing lost, nothing twice', async () => {
    const [a, b] = instances;
    const publishing = publishRange(1001, 1200, 3);
    const firstPart = await firstValueFrom(read(a!.http.url, 50).pipe(toArray()));
    const lastId = firstPart.at(-1)!.lastEventId;
    const secondPart = await firstValueFrom(
      read(b!.http.url, 200 - firstPart.length - (Number(firstPart[0]!.data) - 1001), lastId).pipe(toArray()),
    );
    await publishing;
    const numbers = [...firstPart, ...secondPart].map((e) => Number(e.data));
    const start = numbers[0]!;
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => start + i));
    expect(numbers.at(-1)).toBe(1200);
  });

  it('answers a malformed Last-Event-ID with a reset carrying the newest id, then live events', async () => {
    const newest = await publisher.append({ event: 'seq', data: 'newest' });
    let next: Promise<string> | undefined;
    const [reset, live] = await firstValueFrom(
      read(instances[0]!.http.url, 2, 'not-a-stream-id').pipe(
        // Appended once the reset arrived: a live event.
        tap(() => (next ??= publisher.append({ event: 'seq', data: 'next' }))),
        toArray(),
      ),
    );
    expect(reset).toMatchObject({
      type: 'reset',
      data: '{"reason":"malformed","lastEventId":"not-a-stream-id"}',
      lastEventId: newest,
    });
    expect(live).toMatchObject({ type: 'seq', data: 'next', lastEventId: await next });
  });
});
