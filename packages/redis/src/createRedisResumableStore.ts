import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { EventStore, FoundStream, ResumableStore } from 'sse-rx-server';
import { createRedisStore, type RedisStore, type RedisStoreConfig } from './createRedisStore.js';
import type { RedisClient } from './redisClient.js';
import { siblingKey } from './siblingKey.js';

/**
 * Options of {@link createRedisResumableStore}.
 * @public
 */
export interface RedisResumableStoreConfig {
  /** Your ioredis client, a `Redis` or a `Cluster`: claims, appends and replays go through it; each followed stream reads on a `redis.duplicate()`. */
  redis: RedisClient;
  /**
   * The start of every key: a stream's events are the Redis Stream `<prefix>{<id>}`, its state the
   * string `<prefix>{<id>}:state` (the `{}` hash tag keeps both in one cluster slot).
   * @default 'sse-rx:resumable:'
   */
  prefix?: string;
  /** Tuning of each stream's read loop, as in {@link createRedisStore}. @default {} */
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
 * a Redis Stream read through {@link createRedisStore} (one read loop per stream per process, shared
 * by its followers), that expires `keepMs` after its end (or `ttlMs + keepMs` after its first
 * event, if its instance dies). Deadlines are compared with each instance's clock: keep them in
 * sync (NTP) to within the 5 s grace a follower gives a late producer.
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
  const storeOf = (streamId: string): RedisStore =>
    // The producer's own bound keeps the stream small: no trimming, and every client may replay it all.
    createRedisStore({ ...readLoop, redis, stream: streamKey(streamId), maxEvents: Infinity, maxReplay: Infinity });
  // One store per followed stream while it has subscribers, so they share one read loop.
  const followed = new Map<string, { store: RedisStore; subscribers: number }>();
  // Streams claimed here that have no event yet: the first append sets the key's expiry.
  const unexpired = new Map<string, number>();

  const events = (streamId: string): EventStore => {
    const appender = storeOf(streamId);
    return {
      append: async (message: SseMessage) => {
        const id = await appender.append(message);
        const ttlMs = unexpired.get(streamId);
        if (ttlMs !== undefined) {
          unexpired.delete(streamId);
          await redis.pexpire(streamKey(streamId), ttlMs);
        }
        return id;
      },
      stream: (lastEventId) =>
        new Observable<SseMessage>((subscriber) => {
          const entry = followed.get(streamId) ?? { store: storeOf(streamId), subscribers: 0 };
          followed.set(streamId, entry);
          entry.subscribers++;
          const subscription = entry.store.stream(lastEventId).subscribe(subscriber);
          return () => {
            subscription.unsubscribe();
            if (--entry.subscribers === 0 && followed.get(streamId) === entry) followed.delete(streamId);
          };
        }),
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
