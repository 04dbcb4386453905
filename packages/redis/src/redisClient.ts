import type { Cluster, Redis } from 'ioredis';

/**
 * The ioredis client a store runs on: one `Redis` (also behind Sentinel) or a `Cluster`. Every
 * command the store sends names one key, the stream, so it is served by the stream's slot.
 *
 * @example
 * ```ts
 * import { Cluster } from 'ioredis';
 * import { createRedisStore, type RedisClient } from 'sse-rx-redis';
 * const redis: RedisClient = new Cluster([{ host: '127.0.0.1', port: 7000 }]);
 * const store = createRedisStore({ redis, stream: 'news' });
 * ```
 * @public
 */
export type RedisClient = Redis | Cluster;

/**
 * A new connection like `redis` for the read loop, named `connectionName`: commands wait through
 * reconnects instead of failing after 20 retries (the loop's state tells the app), and the app's
 * `commandTimeout` or `socketTimeout`, meant for ordinary commands, must not cut a blocking XREAD
 * short (the loop's own reply deadline replaces them). A `Cluster` is duplicated with the same
 * startup nodes and these options for each node's connection.
 */
export function duplicateForReading(redis: RedisClient, connectionName: string): RedisClient {
  const forReading = { connectionName, commandTimeout: undefined, socketTimeout: undefined };
  if (isCluster(redis)) {
    return redis.duplicate([], { redisOptions: { ...redis.options.redisOptions, ...forReading } });
  }
  return redis.duplicate({ ...forReading, maxRetriesPerRequest: null });
}

function isCluster(redis: RedisClient): redis is Cluster {
  return redis.isCluster;
}
