import {
  concat,
  defer,
  EMPTY,
  filter,
  from,
  ignoreElements,
  merge,
  mergeMap,
  Observable,
  take,
  takeWhile,
  timer,
} from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { clientDemand, clientMeter, withDemand } from '../demand.js';
import { SseResumableError } from '../errors.js';
import type { SseErrorInfo } from '../sinks/errorBody.js';
import { MAX_TIMER_MS } from '../sinks/responseConfig.js';
import { createMemoryResumableStore } from './createMemoryResumableStore.js';
import type { FoundStream, ResumableStore } from './resumableStore.js';
import { runProducer } from './runProducer.js';
import { CANCELLED_MESSAGE, expiredMessage, isTerminal } from './terminal.js';

/**
 * Options of {@link createResumableStreams}.
 * @public
 */
export interface ResumableStreamsConfig {
  /**
   * Where the streams are kept: `createMemoryResumableStore()` for one process,
   * `createRedisResumableStore(...)` from sse-rx-redis to share them between instances.
   * @default createMemoryResumableStore()
   */
  store?: ResumableStore;
  /** How long a producer may run, in milliseconds (at most 2^31 - 1): past it, it is unsubscribed and the stream ends with an `expired` error. @default 600000 (10 minutes) */
  ttlMs?: number;
  /** The most events a producer may send: past it, it is unsubscribed and the stream ends with a `too-large` error. @default 10000 */
  maxEvents?: number;
  /** How long an ended stream stays available to late followers and resuming clients, in milliseconds (at most 2^31 - 1). @default 300000 (5 minutes) */
  keepMs?: number;
  /** What the terminal `event: error` tells clients about a producer's error, as the sinks' `mapError` (`retryable` is always false). @default undefined (the sinks' defaults) */
  mapError?: (error: unknown) => SseErrorInfo | undefined;
  /** Called with every error of a producer, and with store failures while it runs. @default undefined */
  onError?: (error: unknown, streamId: string) => void;
}

/**
 * The resumable streams of an app, see {@link createResumableStreams}.
 * @public
 */
export interface ResumableStreams {
  /**
   * Runs `producer` under `streamId` (once: the id must be new) and returns the stream from its
   * first event to its terminal one, for the request that started it. The producer keeps running
   * when that request goes away. Fails with an {@link SseResumableError}: 400 for a bad id, 409
   * for an id already started.
   */
  start(streamId: string, producer: Observable<SseMessage>): Observable<SseMessage>;
  /**
   * The stream `streamId` after `lastEventId` (from its first event without one) up to its terminal
   * event, live while it runs. Fails with an {@link SseResumableError}: 400 for a bad id, 404 for
   * an unknown one. An id the stream cannot resume from gets `event: reset`, then the whole stream.
   */
  follow(streamId: string, lastEventId?: string | null): Observable<SseMessage>;
  /**
   * Ends a running stream with `event: error` (code `cancelled`) and unsubscribes its producer, on
   * whichever instance it runs. Resolves `cancelled`, `ended` (it had ended already: nothing done)
   * or `unknown` (no such stream).
   */
  cancel(streamId: string): Promise<'cancelled' | 'ended' | 'unknown'>;
}

/** How long past a stream's deadline a follower waits for the producer's own terminal event before it ends the stream itself. */
const REAP_GRACE_MS = 5_000;
/** Stream ids: safe in a URL path, a header and a Redis key. */
const STREAM_ID = /^[A-Za-z0-9._~:-]{1,128}$/;

/**
 * Resumable one-shot streams, such as LLM answers: `start` runs a producer under a stream id
 * (typically from a POST) and keeps it running, bounded by `ttlMs` and `maxEvents`, whether or not
 * anyone listens; its events go to a store, so any number of requests `follow` it by id from their
 * `Last-Event-ID`, live or after the fact; it ends with one terminal event: `event: end` (data
 * `{}`) when the producer completes, or `event: error` in the wire contract's shape, never
 * retryable (codes `cancelled`, `expired`, `too-large`, or the producer's error as the sinks map
 * it). `cancel` ends it from any request. An ended stream stays `keepMs` for late followers.
 *
 * A producer runs once per stream id: a second `start` with the same id is refused (409), not
 * joined, since its body may differ; clients follow with a GET. A producer must not send events
 * named `end` or `error` (reserved): fail the Observable instead. Stream ids are capabilities:
 * whoever knows one can follow and cancel, so make them random (`crypto.randomUUID()`) and check
 * who asks in your handler. `fromResumableSse` from sse-rx-client is the matching client: it sends
 * the id in the `sse-rx-stream-id` header of its POST and resumes with GETs.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { interval, map, take } from 'rxjs';
 * import { createResumableStreams, readLastEventId, sendEvents } from 'sse-rx-server';
 * const streams = createResumableStreams({ ttlMs: 60_000, maxEvents: 5_000 });
 * const answer$ = interval(50).pipe(take(3), map((n) => ({ event: 'token', data: `t${n}` })));
 * createServer((req, res) => {
 *   const streamId = String(req.headers['sse-rx-stream-id'] ?? ''); // none: 400
 *   if (req.method === 'POST') sendEvents(req, res, streams.start(streamId, answer$));
 *   else if (req.method === 'DELETE') streams.cancel(streamId).then((result) => res.end(result));
 *   else sendEvents(req, res, streams.follow(streamId, readLastEventId(req)));
 * }).listen(3000);
 * // POST: event: token / data: t0 ... event: end / data: {}
 * ```
 * @param config - the store, the bounds and error reporting; see {@link ResumableStreamsConfig}.
 * @returns `start`, `follow` and `cancel`.
 * @public
 */
export function createResumableStreams(config: ResumableStreamsConfig = {}): ResumableStreams {
  const { ttlMs = 600_000, maxEvents = 10_000, keepMs = 300_000, mapError, onError } = config;
  const store = config.store ?? createMemoryResumableStore();
  // Times go to timers, which fire at once past 2^31 - 1 ms (about 24.8 days).
  for (const [name, value] of Object.entries({ ttlMs, maxEvents, keepMs }))
    if (!(Number.isInteger(value) && value > 0 && (name === 'maxEvents' || value <= MAX_TIMER_MS)))
      throw new TypeError(
        `${name} must be an integer from 1${name === 'maxEvents' ? '' : ` to ${MAX_TIMER_MS} (about 24.8 days)`}, got ${value}.`,
      );

  const checked = (streamId: string): string => {
    if (typeof streamId !== 'string' || !STREAM_ID.test(streamId))
      throw new SseResumableError('invalid-stream-id', String(streamId));
    return streamId;
  };
  const found = async (streamId: string): Promise<FoundStream> => {
    const stream = await store.find(checked(streamId));
    if (!stream) throw new SseResumableError('stream-not-found', streamId);
    return stream;
  };
  /** Appends `terminal` to a stream that has not ended yet (a cancel, or the end of one whose producer died). */
  const end = async (streamId: string, terminal: SseMessage): Promise<'ended-now' | 'ended' | 'unknown'> => {
    const stream = await store.find(checked(streamId));
    if (!stream) return 'unknown';
    if (stream.endId !== undefined) return 'ended';
    await store.finish(streamId, await stream.events.append(terminal), keepMs);
    return 'ended-now';
  };
  /** The messages of `stream` after `lastEventId`, up to the terminal one. */
  const read = (
    streamId: string,
    stream: FoundStream,
    lastEventId: string | null | undefined,
  ): Observable<SseMessage> => {
    const { events, originId, endId } = stream;
    // A client holding the terminal event's id gets it again (it cannot resume past the end).
    if (lastEventId && lastEventId === endId) return events.stream(originId).pipe(filter(isTerminal), take(1));
    // A reset (an id of another stream, or trimmed) is followed by the whole stream: the client reloads it.
    const resumed$ = events.stream(lastEventId || originId).pipe(takeWhile((m) => m.event !== 'reset', true));
    const read$ = concat(
      resumed$,
      defer(() => events.stream(originId)),
    );
    // Past its deadline (and a grace) without an end, the producer is gone with its instance: end
    // the stream here, so followers end too instead of waiting for ever.
    const reap$ =
      endId === undefined
        ? timer(Math.max(0, stream.deadline + REAP_GRACE_MS - Date.now())).pipe(
            mergeMap(() => end(streamId, expiredMessage(ttlMs))),
            ignoreElements(),
          )
        : EMPTY;
    return merge(read$, reap$).pipe(takeWhile((m) => !isTerminal(m), true));
  };
  /**
   * `make()`'s Observable, subscribed once it resolves, with the demand of the sink that subscribed
   * (`clientDemand`), which the await would lose, so the store paces the replay to that client; and,
   * for a follower, its meter (`clientMeter`), so the replay is counted in its registry.
   */
  const later = <T>(make: () => Promise<Observable<T>>, follower: boolean): Observable<T> =>
    defer(() => {
      const demand = clientDemand();
      const meter = follower ? clientMeter() : undefined;
      return from(make()).pipe(
        mergeMap(
          (made$) => new Observable<T>((subscriber) => withDemand(demand, () => made$.subscribe(subscriber), meter)),
        ),
      );
    });

  return {
    start: (streamId, producer) =>
      later(async () => {
        if (!(await store.claim(checked(streamId), { ttlMs, keepMs, maxEvents })))
          throw new SseResumableError('stream-exists', streamId);
        const stream = await found(streamId);
        runProducer(producer, { streamId, store, stream, ttlMs, maxEvents, keepMs, mapError, onError });
        return read(streamId, stream, undefined);
      }, false),
    follow: (streamId, lastEventId) => later(async () => read(streamId, await found(streamId), lastEventId), true),
    cancel: async (streamId) => {
      const result = await end(streamId, CANCELLED_MESSAGE);
      return result === 'ended-now' ? 'cancelled' : result;
    },
  };
}
