import type { SseMessage } from 'sse-rx-codec';
import { isPassing } from './commandFailure.js';
import { toFields } from './fields.js';
import { newestId } from './newestId.js';
import type { RedisClient } from './redisClient.js';
import { compareStreamIds } from './streamId.js';

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
  /** The newest id this writer knows the stream to hold. */
  let newest = '0-0';
  return async (message) => {
    const fields = toFields(message);
    /** Whether the entry at `id` is this message's: stored now, or by an earlier try whose reply was lost. */
    const storedAt = async (id: string): Promise<boolean> => {
      try {
        await redis.xadd(stream, id, ...fields);
        return true;
      } catch (error) {
        if (!(error instanceof Error && NOT_PAST_NEWEST.test(error.message))) throw error;
        const [entry] = await redis.xrange(stream, id, id);
        return entry?.[1].length === fields.length && entry[1].every((value, i) => value === fields[i]);
      }
    };
    let id = after(newest);
    let wait = FIRST_RETRY_MS;
    for (;;) {
      try {
        if (await storedAt(id)) {
          newest = id;
          return id;
        }
        // Another writer is ahead of this clock: go on after its newest entry, at once.
        newest = await newestId(redis, stream);
        id = after(newest);
      } catch (error) {
        if (!isPassing(error) || Date.now() + wait > deadline) throw error;
        // A store that stays down must not hold a process that is shutting down open until the deadline.
        await new Promise<void>((resolve) => {
          setTimeout(resolve, wait).unref?.();
        });
        wait = Math.min(wait * 2, MAX_RETRY_MS);
      }
    }
  };
}

/** The id for the next entry: the clock's millisecond, or one past `newest` if that is not earlier. */
function after(newest: string): string {
  const now = `${Date.now()}-0`;
  if (compareStreamIds(now, newest) > 0) return now;
  const dash = newest.indexOf('-');
  return `${newest.slice(0, dash)}-${BigInt(newest.slice(dash + 1)) + 1n}`;
}
