import { Redis } from 'ioredis';
import { filter, firstValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll } from 'vitest';
import type { StreamHub } from '../src/index.js';
import { type RedisServer, startRedisServer } from './redisServer.js';

/** A client of the test server; disconnect it with `redis.disconnect()`. */
export function connect(port: number): Redis {
  const redis = new Redis({ host: '127.0.0.1', port });
  // Tests that kill the server see these clients reconnect; ioredis would print each failed attempt.
  redis.on('error', () => undefined);
  return redis;
}

/** The first `count` values of `source$`, failing after `ms`. */
export function collect<T>(source$: Observable<T>, count: number, ms = 10_000): Promise<T[]> {
  return firstValueFrom(source$.pipe(take(count), toArray(), timeout(ms)));
}

/** Resolves when the hub's read loop is in `state`. */
export function whenState(hub: StreamHub, state: string, ms = 10_000): Promise<unknown> {
  return firstValueFrom(
    hub.state$.pipe(
      filter((s) => s === state),
      timeout(ms),
    ),
  );
}

/** The number of connections of the server named `name` (`CLIENT LIST`). */
export async function connectionsNamed(redis: Redis, name: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

/** A redis-server of its own for one suite, with two connections: `redis` (for hubs) and `publisher`. */
export interface RedisSuite {
  server: RedisServer;
  redis: Redis;
  publisher: Redis;
}

/** Starts a {@link RedisSuite} before the suite's tests and stops it after them. */
export function useRedisSuite(): RedisSuite {
  const suite = {} as RedisSuite;
  beforeAll(async () => {
    suite.server = await startRedisServer();
    suite.redis = connect(suite.server.port);
    suite.publisher = connect(suite.server.port);
  });
  afterAll(async () => {
    suite.redis?.disconnect();
    suite.publisher?.disconnect();
    await suite.server?.kill();
  });
  return suite;
}
