import type { SseMessage } from 'sse-rx-codec';
import type { EventStore, FoundStream, ResumableStore } from 'sse-rx-server';
import { createRedisStore, type RedisStoreConfig } from './createRedisStore.js';
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
   * read loops ride out a failover by themselves; a producer's appends wait only as long as this
   * client retries (ioredis's defaults: about 2 s), so give a `Cluster` a budget longer than a
   * failover (`maxRedirections: 100, retryDelayOnFailover: 300, retryDelayOnClusterDown: 300`).
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
 * a Redis Stream, appended to as by {@link createRedisStore}, that expires `keepMs` after its end
 * (or `ttlMs + keepMs` after its first event, if its instance dies). All the streams followed on
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
  const { blockMs = 5000, replyGraceMs = 2000, maxEntriesPerRead = 500 } = readLoop;
  const reads = sharedReads({
    redis,
    prefix,
    blockMs,
    replyGraceMs,
    maxEntriesPerRead,
    connectionName: `sse-rx-redis:${prefix}`,
  });
  // Streams claimed here that have no event yet: the first append sets the key's expiry.
  const unexpired = new Map<string, number>();

  const events = (streamId: string): EventStore => {
    const stream = streamKey(streamId);
    // The producer's own bound keeps the stream small: no trimming, and every client may replay it all.
    // Its read loop never runs (stream is not called): it appends, and checks the readLoop options.
    const appender = createRedisStore({ ...readLoop, redis, stream, maxEvents: Infinity });
    return {
      append: async (message: SseMessage) => {
        const id = await appender.append(message);
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
      return { events: events(streamId), originId: '0-0', endId, deadline: Number(state[2]) };
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
