import type { RedisClient } from './redisClient.js';
import type { SseMessage } from 'sse-rx-codec';
import { toMessage } from './fields.js';
import { MAX_STREAM_ID } from './streamId.js';

/**
 * Entries one replay step reads: small enough that a page of 4 KB events (100 KB) fits the
 * sse-rx-server sink's default per-stream bound (128 KiB).
 */
export const REPLAY_PAGE_SIZE = 25;

/** Up to {@link REPLAY_PAGE_SIZE} entries after `afterId` (exclusive), oldest first. */
export async function readPage(redis: RedisClient, stream: string, afterId: string): Promise<SseMessage[]> {
  // Nothing can follow the largest id (and `XRANGE (max` is an error).
  if (afterId === MAX_STREAM_ID) return [];
  const page = await redis.xrange(stream, `(${afterId}`, '+', 'COUNT', REPLAY_PAGE_SIZE);
  return page.map(([id, fields]) => toMessage(id, fields));
}
