import type { Redis } from 'ioredis';
import type { SseMessage } from 'sse-rx-codec';
import { toMessage } from './fields.js';
import { compareStreamIds } from './streamId.js';

/** Entries fetched per `XRANGE` while catching up. */
const PAGE_SIZE = 1000;

/** What {@link readHistory} found. */
export type History =
  | { trimmed: false; messages: SseMessage[] }
  | { trimmed: true; headId: string; firstId: string | undefined };

/**
 * Reads the entries after `lastId` (exclusive) with paged `XRANGE`, or reports that some of them
 * were trimmed away. `XINFO STREAM` tells: entries were removed (`entries-added` > `length`) and the
 * oldest one kept is newer than `lastId`. This is conservative: a client whose id is exactly the
 * newest removed entry is told `trimmed` though it missed nothing.
 */
export async function readHistory(redis: Redis, stream: string, lastId: string): Promise<History> {
  const info = await streamInfo(redis, stream);
  if (info === undefined) return { trimmed: false, messages: [] };
  const firstId = info.firstEntry?.[0];
  const removed = info.entriesAdded > info.length;
  if (removed && compareStreamIds(firstId ?? info.lastGeneratedId, lastId) > 0) {
    return { trimmed: true, headId: info.lastGeneratedId, firstId };
  }
  const messages: SseMessage[] = [];
  // Bounded by the stream's length, which trimming keeps finite.
  for (let start = `(${lastId}`; ; ) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', PAGE_SIZE);
    for (const [id, fields] of page) messages.push(toMessage(id, fields));
    const last = page[page.length - 1];
    if (page.length < PAGE_SIZE || last === undefined) return { trimmed: false, messages };
    start = `(${last[0]}`;
  }
}

interface StreamInfo {
  length: number;
  entriesAdded: number;
  lastGeneratedId: string;
  firstEntry: [string, string[]] | undefined;
}

async function streamInfo(redis: Redis, stream: string): Promise<StreamInfo | undefined> {
  let reply: unknown;
  try {
    reply = await redis.xinfo('STREAM', stream);
  } catch (error) {
    // A stream nobody published to yet: nothing to replay.
    if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
    throw error;
  }
  const flat = reply as unknown[];
  const field = (name: string): unknown => flat[flat.indexOf(name) + 1];
  return {
    length: Number(field('length')),
    entriesAdded: Number(field('entries-added')),
    lastGeneratedId: String(field('last-generated-id')),
    firstEntry: (field('first-entry') ?? undefined) as [string, string[]] | undefined,
  };
}
