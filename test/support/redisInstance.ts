import { Redis } from 'ioredis';
import { createRedisStore, type RedisStore, type RedisStoreConfig } from 'sse-rx-redis';
import { readLastEventId, sendEvents } from 'sse-rx-server';
import { startServer, type TestServer } from './http.js';

/** One app instance of a scaled-out deployment: its own Redis connection, store and HTTP port. */
export interface RedisInstance {
  http: TestServer;
  redis: Redis;
  store: RedisStore;
  /** Shuts the instance down: every open stream is destroyed, the Redis connection closed. */
  stop(): Promise<void>;
}

/** Starts an instance serving `stream` from the Redis on `redisPort` with sse-rx-server's sink, unchanged. */
export async function startRedisInstance(
  redisPort: number,
  stream: string,
  config: Omit<RedisStoreConfig, 'redis' | 'stream'> = {},
): Promise<RedisInstance> {
  // A silent connection (black-holed) makes a pending command fail after 2 s and ioredis reconnect.
  const redis = new Redis({ host: '127.0.0.1', port: redisPort, socketTimeout: 2000 });
  // ioredis reconnects by itself; without a listener it also prints every failed attempt.
  redis.on('error', () => undefined);
  const store = createRedisStore({ redis, stream, ...config });
  const http = await startServer((req, res) => sendEvents(req, res, store.stream(readLastEventId(req))));
  return {
    http,
    redis,
    store,
    async stop() {
      await http.close();
      redis.disconnect();
    },
  };
}
