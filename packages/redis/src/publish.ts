import type { Redis } from 'ioredis';
import type { SseMessage } from 'sse-rx-codec';
import { toFields } from './fields.js';

/**
 * How {@link publish} trims the stream so Redis memory stays bounded.
 * @public
 */
export interface PublishOptions {
  /**
   * Keep about this many entries (`MAXLEN ~ n`): a client further behind gets a `reset` event.
   * `Infinity` disables trimming by length. Ignored when `minId` is set.
   * @default 10_000
   */
  maxLen?: number;
  /**
   * Trim by age instead: drop entries with an id lower than this one (`MINID ~ id`), e.g.
   * `` `${Date.now() - 3_600_000}-0` `` keeps one hour.
   * @default undefined
   */
  minId?: string;
  /**
   * Trim exactly (`=`) instead of approximately (`~`). Approximate trimming is much cheaper:
   * Redis only removes whole radix-tree nodes, so a few more entries than asked may stay.
   * @default false
   */
  exact?: boolean;
}

const DEFAULT_MAX_LEN = 10_000;

/**
 * Appends one message to a Redis Stream with `XADD` and resolves to its stream id, the id every
 * instance's hub will send as the SSE `id`.
 *
 * The entry stores `data` (`''` when absent) and `event` (when set). The message's own `id`,
 * `retry` and `comment` are not stored: the stream id is the event id, so that any instance can
 * resume any client. A message the codec refuses (an `event` holding a line break, a `data` that
 * is not a string) is a `TypeError` and is not stored: stored, it would end the stream of every
 * client that replays it.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { publish } from 'sse-rx-redis';
 * const redis = new Redis();
 * const id = await publish(redis, 'news', { event: 'headline', data: 'Hello' }, { maxLen: 1000 });
 * console.log(id);
 * // 1700000000000-0
 * ```
 * @param redis - The ioredis client to write with.
 * @param stream - The key of the stream.
 * @param message - The message to append.
 * @param options - How to trim, see {@link PublishOptions}.
 * @returns The stream id of the new entry.
 * @throws TypeError (as a rejection) for a message the codec refuses or a bad trim option.
 * @public
 */
export async function publish(
  redis: Redis,
  stream: string,
  message: SseMessage,
  options: PublishOptions = {},
): Promise<string> {
  const fields = toFields(message);
  const id = await redis.xadd(stream, ...trimArguments(options), '*', ...fields);
  // XADD only answers nil with NOMKSTREAM, which is never sent here.
  return id as string;
}

function trimArguments({ maxLen = DEFAULT_MAX_LEN, minId, exact = false }: PublishOptions): string[] {
  const mode = exact ? '=' : '~';
  if (minId !== undefined) return ['MINID', mode, minId];
  if (maxLen === Infinity) return [];
  if (!Number.isInteger(maxLen) || maxLen < 0) {
    throw new TypeError(`maxLen must be a non-negative integer or Infinity, got ${maxLen}.`);
  }
  return ['MAXLEN', mode, String(maxLen)];
}
