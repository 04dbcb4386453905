import { BehaviorSubject, distinctUntilChanged, filter, type Observable, share } from 'rxjs';
import type { EventStore } from 'sse-rx-server';
import { toFields } from './fields.js';
import { readLoop } from './readLoop.js';
import { atLeast, readLoopTuning } from './readLoopTuning.js';
import type { RedisClient } from './redisClient.js';
import { resumeStream } from './resume.js';
import { StoreMeters } from './storeMeters.js';
import { trimArguments } from './trimArguments.js';

/**
 * The state of a store's read loop: `idle` (no subscriber, no connection), `connecting` (first
 * connection being opened), `connected` (reading), `reconnecting` (connection lost, or silent
 * past `blockMs + replyGraceMs`; a connection is opened again and the loop continues from the last
 * id it delivered).
 * @public
 */
export type RedisStoreState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/**
 * Options of {@link createRedisStore}.
 * @public
 */
export interface RedisStoreConfig {
  /**
   * Your ioredis client, a `Redis` or a `Cluster`: appends and replays go through it, the read loop
   * runs on `redis.duplicate()`.
   */
  redis: RedisClient;
  /** The key of the Redis Stream. */
  stream: string;
  /**
   * Keep about this many entries (`XADD … MAXLEN ~ n`); a client further behind gets a `trimmed`
   * reset. `Infinity`: no bound by length. Not together with `ttlMs`.
   * @default 10_000 (unless `ttlMs` is set)
   */
  maxEvents?: number;
  /**
   * Keep entries this long instead, in milliseconds (`XADD … MINID ~ <now - ttlMs>-0`). Not
   * together with `maxEvents`.
   * @default undefined
   */
  ttlMs?: number;
  /**
   * Trim exactly (`=`) instead of approximately (`~`). Approximate trimming is much cheaper:
   * Redis only removes whole radix-tree nodes (about 100 entries), so a few more may stay.
   * @default false
   */
  exactTrim?: boolean;
  /**
   * The most entries replayed to one client: one further behind gets a reset (reason `trimmed`)
   * instead, so a crowd reconnecting from far back costs Redis at most this many entries each.
   * `Infinity`: no cap.
   * @default 1000
   */
  maxReplay?: number;
  /**
   * How long one `XREAD BLOCK` waits before it is sent again. At least 1: a read blocked forever
   * could not tell a quiet stream from a dead connection.
   * @default 5000
   */
  blockMs?: number;
  /**
   * How long past `blockMs` a reply may take: a connection silent for `blockMs + replyGraceMs`
   * (a black-holed network path, a frozen server, which TCP alone notices only after hours) is
   * dropped and a new one opened, the state going to `reconnecting`; reading resumes from the
   * last id delivered, so nothing is lost. It doubles after each late reply in a row (up to 16
   * times), so a new connection on a busy host gets through.
   * @default 2000
   */
  replyGraceMs?: number;
  /** The most entries one `XREAD` returns. @default 500 */
  maxEntriesPerRead?: number;
  /** The `CLIENT SETNAME` of the read loop's connection, to spot it in `CLIENT LIST`. @default `sse-rx-redis:<stream>` */
  connectionName?: string;
}

/**
 * An {@link EventStore} on a Redis Stream, see {@link createRedisStore}.
 * @public
 */
export interface RedisStore extends EventStore {
  /** The read loop's state; emits the current state on subscribe. */
  readonly state$: Observable<RedisStoreState>;
}

/**
 * An {@link EventStore} on a Redis Stream, shared by every instance of an app: `append` is one
 * `XADD` (with the trim bound) and resolves to the stream id; `stream(lastEventId)` replays what
 * a client missed, page by page, then goes live, from one `XREAD BLOCK` loop per store shared by
 * all the process's clients. Stream ids are global, so a client resumes on any instance.
 *
 * The loop runs on its own connection (`redis.duplicate()`), starts with the first subscriber and
 * stops, disconnecting, with the last one. A reply is due within `blockMs + replyGraceMs`; a
 * silent connection is replaced. A `Last-Event-ID` the store cannot serve exactly gets, first,
 * `event: reset` with data `{"reason":…,"lastEventId":…}` and the newest stream id: `malformed`
 * (not a stream id), `future` (newer than the stream), `trimmed` (trimmed away, or more than
 * `maxReplay` behind), `unknown` (the stream is gone: deleted, or lost by a Redis without
 * persistence); then live events. Trim detection reads `entries-added` of `XINFO STREAM`: Redis 7.
 * A stream served with a registry (sse-rx-server) reports its replay size and the read loop's lag
 * (from each entry's `XADD` time to its delivery) to that registry's metrics (`clientMeter`).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisStore } from 'sse-rx-redis';
 * import { readLastEventId, sendEvents } from 'sse-rx-server';
 * const store = createRedisStore({ redis: new Redis(), stream: 'news' });
 * createServer((req, res) => sendEvents(req, res, store.stream(readLastEventId(req))));
 * await store.append({ event: 'headline', data: 'Hello' });
 * // '1700000000000-0'; every client of every instance gets
 * // 'event: headline\nid: 1700000000000-0\ndata: Hello\n\n'
 * store.stream('99999999999999-0').subscribe(console.log);
 * // { event: 'reset', data: '{"reason":"future","lastEventId":"99999999999999-0"}', id: '1700000000000-0' }
 * ```
 * @param config - The client, the stream, trimming and tuning, see {@link RedisStoreConfig}.
 * @returns The store: `append`, `stream(lastEventId?)` and `state$`.
 * @throws TypeError for an option out of range, or both `maxEvents` and `ttlMs`.
 * @public
 */
export function createRedisStore(config: RedisStoreConfig): RedisStore {
  const { redis, stream, maxReplay = 1000 } = config;
  const connectionName = config.connectionName ?? `sse-rx-redis:${stream}`;
  const trim = trimArguments(config);
  const { blockMs, replyGraceMs, maxEntriesPerRead } = readLoopTuning(config);
  atLeast('maxReplay', maxReplay, 0, true);

  const state = new BehaviorSubject<RedisStoreState>('idle');
  const meters = new StoreMeters();
  const live$ = readLoop({
    redis,
    stream,
    blockMs,
    maxEntriesPerRead,
    replyGraceMs,
    connectionName,
    setState: (s) => state.next(s),
    meters,
  }).pipe(share());
  const ready$ = state.pipe(filter((s) => s === 'connected'));
  const source = { redis, stream, maxReplay, live$, ready$ };
  return {
    state$: state.pipe(distinctUntilChanged()),
    async append(message) {
      const fields = toFields(message);
      // XADD only answers nil with NOMKSTREAM, which is never sent here.
      return (await redis.xadd(stream, ...trim(), '*', ...fields)) as string;
    },
    stream: (lastEventId) => meters.watch(resumeStream(source, lastEventId)),
  };
}
