import type { Redis } from 'ioredis';
import { BehaviorSubject, distinctUntilChanged, filter, type Observable, share, throwError } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { parseLastEventId } from './parseLastEventId.js';
import { planReplay } from './planReplay.js';
import { readLoop } from './readLoop.js';
import { readPage } from './readPage.js';
import { resume } from './resume.js';

/**
 * The state of a hub's read loop: `idle` (no subscriber, no connection), `connecting` (first
 * connection being opened), `connected` (reading), `reconnecting` (connection lost, or silent
 * past `blockMs + replyGraceMs`; a connection is opened again and the loop continues from the last
 * id it delivered).
 * @public
 */
export type StreamHubState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/**
 * Options of {@link createStreamHub}.
 * @public
 */
export interface StreamHubOptions {
  /** An ioredis client: replays go through it, and the read loop runs on `redis.duplicate()`. */
  redis: Redis;
  /** The key of the stream to serve. */
  stream: string;
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
   * last id delivered, so nothing is lost.
   * @default 2000
   */
  replyGraceMs?: number;
  /** The most entries one `XREAD` returns. @default 500 */
  count?: number;
  /** The `CLIENT SETNAME` of the read loop's connection, to spot it in `CLIENT LIST`. @default `sse-rx-redis:<stream>` */
  connectionName?: string;
  /**
   * The most entries replayed to one client: one further behind gets a reset (reason `trimmed`)
   * instead, so a crowd reconnecting from far back costs Redis at most this many entries each.
   * `Infinity`: no cap.
   * @default 1000
   */
  maxReplay?: number;
}

/**
 * One process's view of a Redis Stream, see {@link createStreamHub}.
 * @public
 */
export interface StreamHub {
  /**
   * The messages of the stream for one client, each with its stream id as `id`: without
   * `lastEventId`, the live messages from now on; with it, the messages after it, then the live
   * ones, with no gap and no duplicate.
   *
   * A `lastEventId` that is not a stream id makes the Observable error with an
   * {@link SseResumeError} of type `malformed-id` (status 400) when subscribed (check it with
   * {@link parseLastEventId} before answering, to send a 400 instead). One that cannot be served
   * exactly (older than the trimmed history, more than `maxReplay` behind, newer than the stream,
   * from a stream that is gone) gives a reset first, `{ event: 'reset', data:
   * '{"reason":"trimmed","lastEventId":"…"}', id: <newest id> }` (send a snapshot then), then the
   * live messages. A replay is read page by page, as the client takes it.
   */
  stream(lastEventId?: string): Observable<SseMessage>;
  /** The read loop's state; emits the current state on subscribe. */
  readonly state$: Observable<StreamHubState>;
}

/**
 * Serves every client of this process from one Redis Stream with a single `XREAD BLOCK` loop.
 *
 * The loop runs on its own connection (`redis.duplicate()`), starts with the first subscriber and
 * stops, disconnecting, with the last one. Run one hub per stream per process: an event
 * {@link publish}ed by any instance reaches the clients of every instance, and since event ids are
 * stream ids, a client can resume on any instance.
 *
 * Trim detection reads `entries-added` from `XINFO STREAM`: Redis 7 or newer.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createStreamHub, publish } from 'sse-rx-redis';
 * const redis = new Redis();
 * const hub = createStreamHub({ redis, stream: 'news' });
 * hub.stream().subscribe((message) => console.log(message));
 * await publish(redis, 'news', { event: 'headline', data: 'Hello' });
 * // { id: '1700000000000-0', data: 'Hello', event: 'headline' }
 * ```
 * @param options - The client, the stream and tuning, see {@link StreamHubOptions}.
 * @returns The hub: `stream(lastEventId?)` per client, and `state$`.
 * @throws TypeError when `blockMs`, `replyGraceMs` or `count` is not a valid integer.
 * @public
 */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const { redis, stream, blockMs = 5000, count = 500, replyGraceMs = 2000, maxReplay = 1000 } = options;
  const connectionName = options.connectionName ?? `sse-rx-redis:${stream}`;
  if (!Number.isInteger(blockMs) || blockMs < 1)
    throw new TypeError(`blockMs must be an integer >= 1, got ${blockMs}.`);
  if (!Number.isInteger(replyGraceMs) || replyGraceMs < 1)
    throw new TypeError(`replyGraceMs must be an integer >= 1, got ${replyGraceMs}.`);
  if (!(Number.isInteger(maxReplay) || maxReplay === Infinity) || maxReplay < 0)
    throw new TypeError(`maxReplay must be an integer >= 0 or Infinity, got ${maxReplay}.`);
  if (!Number.isInteger(count) || count < 1) throw new TypeError(`count must be an integer >= 1, got ${count}.`);
  const state = new BehaviorSubject<StreamHubState>('idle');
  const live$ = readLoop({
    redis,
    stream,
    blockMs,
    count,
    replyGraceMs,
    connectionName,
    setState: (s) => state.next(s),
  }).pipe(share());
  const ready$ = state.pipe(filter((s) => s === 'connected'));

  return {
    state$: state.pipe(distinctUntilChanged()),
    stream(lastEventId) {
      let lastId: string | undefined;
      try {
        lastId = parseLastEventId(lastEventId);
      } catch (error) {
        return throwError(() => error);
      }
      if (lastId === undefined) return live$;
      return resume({
        live$,
        ready$,
        plan: (id) => planReplay(redis, stream, id, maxReplay),
        readPage: (id) => readPage(redis, stream, id),
        lastId,
        lastEventId: lastEventId as string,
      });
    },
  };
}
