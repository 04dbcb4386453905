import type { SseMessage } from 'sse-rx-codec';
import type { EventStore, FoundStream, ResumableStore } from 'sse-rx-server';
import type { RedisStoreConfig } from './createRedisStore.js';
import { idempotentAppend } from './idempotentAppend.js';
import { readLoopTuning } from './readLoopTuning.js';
import type { RedisClient } from './redisClient.js';
import { resumeStream } from './resume.js';
import { sharedReads } from './sharedReads.js';
import { siblingKey } from './siblingKey.js';

/**
 * Options of {@link createRedisResumableStore}.
 * @public
 */
export interface RedisResumableStoreConfig {
  /**
   * Your ioredis client, a `Redis` or a `Cluster`: claims, appends and replays go through it; the
   * followed streams are read on one `redis.duplicate()` (on a Cluster: one per hash tag). The
   * read loops ride out a failover by themselves, and so do a producer's appends: one that fails
   * while Redis is unreachable or the cluster moves is tried again (100 ms, doubling to 5 s) until
   * the stream's deadline, and stored once however often it is sent (see the store's doc).
   */
  redis: RedisClient;
  /**
   * The start of every key: a stream's events are the Redis Stream `<prefix>{<id>}`, its state the
   * string `<prefix>{<id>}:state` (the `{}` hash tag keeps both in one cluster slot).
   * @default 'sse-rx:resumable:'
   */
  prefix?: string;
  /** Tuning of the shared read loop, as in {@link createRedisStore}: `blockMs` 5000, `replyGraceMs` 2000, `maxEntriesPerRead` (per stream) 500. @default {} */
  readLoop?: Pick<RedisStoreConfig, 'blockMs' | 'replyGraceMs' | 'maxEntriesPerRead'>;
}

/** The state string of a running stream is `running:<deadline>` (ms since the epoch), of an ended one `ended:<deadline>:<end id>`. */
const RUNNING = 'running:';
const ENDED = 'ended:';
const STATE = /^(running|ended):(\d+)(?::(.+))?$/;

/**
 * A `ResumableStore` (for `createResumableStreams` of sse-rx-server) on Redis, shared by every
 * instance of an app: a stream started on one instance is followed, resumed and cancelled from any
 * other. `claim` is one `SET … NX PX ttlMs` (so a producer runs once, cluster-wide); each stream is
 * a Redis Stream that expires `keepMs` after its end (or `ttlMs + keepMs` after its first event, if
 * its instance dies). Appends name their entry's id (`<ms>-<seq>`, from the appending instance's
 * clock, past the stream's newest entry), so a second try of an append whose reply was lost, by
 * ioredis or by the store, is refused by Redis instead of storing a token twice. All the streams followed on
 * one instance are read by one `XREAD BLOCK` loop on one connection, which reads a stream while it
 * has followers there (its producer is one); on a Redis Cluster, one loop per hash tag: give
 * `prefix` a hash tag (`'{answers}:'`) to read them all on one connection. Deadlines are compared
 * with each instance's clock: keep them in sync (NTP) to within the 5 s grace a follower gives a
 * late producer.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisResumableStore } from 'sse-rx-redis';
 * import { createResumableStreams } from 'sse-rx-server';
 * const streams = createResumableStreams({ store: createRedisResumableStore({ redis: new Redis() }) });
 * // keys: sse-rx:resumable:{<id>} (a Redis Stream), sse-rx:resumable:{<id>}:state
 * ```
 * @param config - the client, the key prefix and read loop tuning; see {@link RedisResumableStoreConfig}.
 * @returns the store, to give to `createResumableStreams`.
 * @public
 */
export function createRedisResumableStore(config: RedisResumableStoreConfig): ResumableStore {
  const { redis, prefix = 'sse-rx:resumable:', readLoop = {} } = config;
  const streamKey = (streamId: string): string => `${prefix}{${streamId}}`;
  // The stream's bookkeeping key, in its cluster slot: `<prefix>{<id>}:state`.
  const stateKey = (streamId: string): string => siblingKey(streamKey(streamId), 'state');
  // One XREAD BLOCK loop reads every stream followed here (on a Cluster, one per slot's hash tag).
  const reads = sharedReads({ redis, prefix, ...readLoopTuning(readLoop), connectionName: `sse-rx-redis:${prefix}` });
  // Streams claimed here that have no event yet: the first append sets the key's expiry.
  const unexpired = new Map<string, number>();

  const events = (streamId: string, deadline: number): EventStore => {
    const stream = streamKey(streamId);
    // The producer's own bound keeps the stream small: no trimming, and every client may replay it all.
    const append = idempotentAppend(redis, stream, deadline);
    return {
      append: async (message: SseMessage) => {
        const id = await append(message);
        const ttlMs = unexpired.get(streamId);
        if (ttlMs !== undefined) {
          unexpired.delete(streamId);
          await redis.pexpire(stream, ttlMs);
        }
        return id;
      },
      stream: (lastEventId) =>
        resumeStream({ ...reads.follow(stream), redis, stream, maxReplay: Infinity }, lastEventId),
    };
  };

  return {
    async claim(streamId, { ttlMs, keepMs }) {
      const deadline = Date.now() + ttlMs;
      const claimed =
        (await redis.set(stateKey(streamId), `${RUNNING}${deadline}`, 'PX', ttlMs + keepMs, 'NX')) === 'OK';
      if (claimed) unexpired.set(streamId, ttlMs + keepMs);
      return claimed;
    },
    async find(streamId): Promise<FoundStream | undefined> {
      const state = STATE.exec((await redis.get(stateKey(streamId))) ?? '');
      if (!state) return undefined;
      const endId = state[1] === 'ended' ? state[3] : undefined;
      // '0-0' resumes from a stream's first entry, also before the stream has any.
      const deadline = Number(state[2]);
      return { events: events(streamId, deadline), originId: '0-0', endId, deadline };
    },
    async finish(streamId, endId, keepMs) {
      unexpired.delete(streamId);
      const state = STATE.exec((await redis.get(stateKey(streamId))) ?? '');
      await redis
        .multi()
        .set(stateKey(streamId), `${ENDED}${state?.[2] ?? Date.now()}:${endId}`, 'PX', keepMs)
        .pexpire(streamKey(streamId), keepMs)
        .exec();
    },
  };
}
