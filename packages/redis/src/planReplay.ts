import type { RedisClient } from './redisClient.js';
import type { ResetReason } from 'sse-rx-server';
import { compareStreamIds } from './streamId.js';

/** What {@link planReplay} decided: replay the entries after the id, or reset the client to `newestId`. */
export type ReplayPlan = { reset: false } | { reset: ResetReason; newestId: string };

/**
 * Counts, inside Redis, the entries after `ARGV[1]` (exclusive) page by page, stopping once past
 * `ARGV[2]`: only the count crosses the network, never the entries.
 */
const COUNT_AFTER = `
local start, seen, limit = '(' .. ARGV[1], 0, tonumber(ARGV[2])
while seen <= limit do
  local page = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', 100)
  seen = seen + #page
  if #page < 100 then break end
  start = '(' .. page[#page][1]
end
return seen`;

/**
 * `XINFO STREAM KEYS[1]`, as a script: a script names its key, so a `Cluster` sends it straight to
 * the stream's node, on the connection its appends use (in order with them); ioredis finds no key
 * in `XINFO STREAM` and would send it to any node, to be redirected after the appends that followed.
 */
const STREAM_INFO = "return redis.call('XINFO', 'STREAM', KEYS[1])";

/**
 * Decides how a client resuming after `lastId` (a canonical stream id; `undefined` for a
 * `Last-Event-ID` that is not one: a `malformed` reset) is served, from
 * `XINFO STREAM`: a `future` reset for an id newer than the stream's last one (it would wait for
 * ever), `trimmed` when entries after it were trimmed away (`entries-added` > `length`, Redis 7, and
 * the oldest kept is newer) or when more than `maxReplay` entries follow it, `unknown` when the
 * stream is gone (a client holding an id other than `0-0`); else a replay. Conservative: a client
 * whose id is exactly the newest trimmed entry gets `trimmed` though it missed nothing.
 */
export async function planReplay(
  redis: RedisClient,
  stream: string,
  lastId: string | undefined,
  maxReplay: number,
): Promise<ReplayPlan> {
  const info = await streamInfo(redis, stream);
  // '0-0' resumes from the first entry: the id a reset from an empty or missing stream carries.
  const newestId = info?.lastGeneratedId ?? '0-0';
  if (lastId === undefined) return { reset: 'malformed', newestId };
  if (info === undefined) return lastId === '0-0' ? { reset: false } : { reset: 'unknown', newestId };
  const fromNewest = compareStreamIds(lastId, newestId);
  if (fromNewest > 0) return { reset: 'future', newestId };
  if (fromNewest === 0) return { reset: false };
  const removed = info.entriesAdded > info.length;
  if (removed && compareStreamIds(info.firstId ?? newestId, lastId) > 0) return { reset: 'trimmed', newestId };
  if (info.length > maxReplay && Number(await redis.eval(COUNT_AFTER, 1, stream, lastId, maxReplay)) > maxReplay) {
    return { reset: 'trimmed', newestId };
  }
  return { reset: false };
}

/** What `XINFO STREAM` tells the store. */
interface StreamInfo {
  length: number;
  entriesAdded: number;
  lastGeneratedId: string;
  firstId: string | undefined;
}

/** The stream's `XINFO STREAM` figures, or `undefined` when there is no such key. */
async function streamInfo(redis: RedisClient, stream: string): Promise<StreamInfo | undefined> {
  let reply: unknown;
  try {
    reply = await redis.eval(STREAM_INFO, 1, stream);
  } catch (error) {
    // A stream nobody published to yet, or deleted.
    if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
    throw error;
  }
  const flat = reply as unknown[];
  const field = (name: string): unknown => flat[flat.indexOf(name) + 1];
  const firstEntry = field('first-entry') as [string, string[]] | null;
  return {
    length: Number(field('length')),
    entriesAdded: Number(field('entries-added')),
    lastGeneratedId: String(field('last-generated-id')),
    firstId: firstEntry?.[0],
  };
}
