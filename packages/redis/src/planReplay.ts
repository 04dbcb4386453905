import type { Redis } from 'ioredis';
import type { ResetReason } from './resetMessage.js';
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
 * Decides how a client resuming after `lastId` (a canonical stream id) is served, from
 * `XINFO STREAM`: a `future` reset for an id newer than the stream's last one (it would wait for
 * ever), `trimmed` when entries after it were trimmed away (`entries-added` > `length`, Redis 7, and
 * the oldest kept is newer) or when more than `maxReplay` entries follow it, `unknown` when the
 * stream is gone (a client holding an id other than `0-0`); else a replay. Conservative: a client
 * whose id is exactly the newest trimmed entry gets `trimmed` though it missed nothing.
 */
export async function planReplay(redis: Redis, stream: string, lastId: string, maxReplay: number): Promise<ReplayPlan> {
  const info = await streamInfo(redis, stream);
  if (info === undefined) return lastId === '0-0' ? { reset: false } : { reset: 'unknown', newestId: '0-0' };
  const newestId = info.lastGeneratedId;
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

interface StreamInfo {
  length: number;
  entriesAdded: number;
  lastGeneratedId: string;
  firstId: string | undefined;
}

async function streamInfo(redis: Redis, stream: string): Promise<StreamInfo | undefined> {
  let reply: unknown;
  try {
    reply = await redis.xinfo('STREAM', stream);
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
