import type { RedisClient } from './redisClient.js';

/** The id of the newest entry of `stream`, or `0-0` for a stream that is empty or missing. */
export async function newestId(redis: RedisClient, stream: string): Promise<string> {
  return (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
}
