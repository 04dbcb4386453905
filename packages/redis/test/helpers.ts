import { Redis } from 'ioredis';
import { filter, firstValueFrom, type Observable, take, tap, throwError, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll } from 'vitest';
import type { SseMessage } from 'sse-rx-codec';
import { createRedisStore, type RedisStoreConfig } from '../src/index.js';
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
  let got = 0;
  return firstValueFrom(
    source$.pipe(
      tap(() => got++),
      take(count),
      toArray(),
      timeout({ first: ms, with: () => throwError(() => new Error(`Got ${got} of ${count} values within ${ms} ms`)) }),
    ),
  );
}

/** Appends `message` to `stream` through `redis` (a store made for the call: it opens no connection of its own). */
export function append(
  redis: Redis,
  stream: string,
  message: SseMessage,
  config: Omit<RedisStoreConfig, 'redis' | 'stream'> = {},
): Promise<string> {
  return createRedisStore({ redis, stream, ...config }).append(message);
}

/** Resolves when the store's read loop is in `state`. */
export function whenState(store: { state$: Observable<string> }, state: string, ms = 10_000): Promise<unknown> {
  let last = '';
  return firstValueFrom(
    store.state$.pipe(
      tap((s) => (last = s)),
      filter((s) => s === state),
      timeout({
        first: ms,
        with: () => throwError(() => new Error(`No state ${state} within ${ms} ms (the last: ${last})`)),
      }),
    ),
  );
}

/**
 * Resolves once every command sent before on each of `clients` has been answered (a PING behind
 * them, on the same connection). A live-only client asks for the newest id on its store's `redis`
 * when it subscribes: call this before appending through another connection, so that no append
 * can reach Redis before that ask.
 */
export async function answered(...clients: Redis[]): Promise<void> {
  await Promise.all(clients.map((client) => client.ping()));
}

/** The number of connections of the server named `name` (`CLIENT LIST`). */
export async function connectionsNamed(redis: Redis, name: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

/** A redis-server of its own for one suite, with two connections: `redis` (for stores) and `publisher`. */
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
    // Both connected before any test: a live-only client asks for the newest id on `redis` when it
    // subscribes; asked while `redis` still connects, the ask waits in ioredis's queue and may
    // reach Redis after an append a test sends through `publisher`, which the client then misses.
    await answered(suite.redis, suite.publisher);
  });
  afterAll(async () => {
    suite.redis?.disconnect();
    suite.publisher?.disconnect();
    await suite.server?.kill();
  });
  return suite;
}
