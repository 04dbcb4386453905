import type { SseMessage } from 'sse-rx-codec';
import { isPassing } from './commandFailure.js';
import { toFields } from './fields.js';
import { newestId } from './newestId.js';
import type { RedisClient } from './redisClient.js';

/** The wait before the first retry of a failed append; each next one waits twice as long, up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** Redis's answer to an `XADD` at an id that is not past the stream's newest entry. */
const NOT_PAST_NEWEST = /equal or smaller than the target stream top item/;

/**
 * An append for one writer of `stream` that stores each message once, however often it is sent:
 * each `XADD` names its id (`<ms>-<seq>`: the writer's clock, past every id it knows of), so a
 * second try of an append whose reply was lost (ioredis sending it again on a new connection, or
 * this function's own retry) is refused by Redis, and the entry found at that id is the answer. An
 * append that fails while Redis or a cluster is unreachable or moving is tried again (100 ms,
 * doubling to 5 s) until `deadline` (ms since the epoch); an entry of another writer ahead of this
 * clock is passed.
 * @example
 * ```ts
 * const append = idempotentAppend(redis, 'sse-rx:resumable:{a1}', Date.now() + 60_000);
 * await append({ event: 'token', data: 'Hel' }); // '1700000000000-0', stored once
 * ```
 */
export function idempotentAppend(
  redis: RedisClient,
  stream: string,
  deadline: number,
): (message: SseMessage) => Promise<string> {
  /** The newest id this writer knows the stream to hold, as its two numbers. */
  let ms = 0;
  let seq = 0;
  /** Takes the id for the next entry: the clock's millisecond, or one past the newest if that is not earlier. */
  const next = (): string => {
    const now = Date.now();
    if (now > ms) [ms, seq] = [now, 0];
    else seq++;
    return `${ms}-${seq}`;
  };

  /** After a failed first try: tries again until the entry is at an id, and resolves to that id. */
  const retry = async (fields: string[], id: string, error: unknown): Promise<string> => {
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
      try {
        if (!(error instanceof Error && NOT_PAST_NEWEST.test(error.message))) throw error;
        const [entry] = await redis.xrange(stream, id, id);
        // Stored by an earlier try whose reply was lost.
        if (entry?.[1].length === fields.length && entry[1].every((value, i) => value === fields[i])) return id;
        // Another writer is ahead of this clock: go on after its newest entry, at once.
        [ms, seq] = (await newestId(redis, stream)).split('-').map(Number) as [number, number];
        id = next();
      } catch (failure) {
        if (!isPassing(failure) || Date.now() + wait > deadline) throw failure;
        // A store that stays down must not hold a process that is shutting down open until the deadline.
        await new Promise<void>((resolve) => {
          setTimeout(resolve, wait).unref?.();
        });
      }
      try {
        await redis.xadd(stream, id, ...fields);
        return id;
      } catch (failure) {
        error = failure;
      }
    }
  };

  return async (message) => {
    const fields = toFields(message);
    const id = next();
    try {
      await redis.xadd(stream, id, ...fields);
      return id;
    } catch (error) {
      return await retry(fields, id, error);
    }
  };
}
