import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { ResetReason } from './stores/eventStore.js';

/**
 * Options of {@link StreamRegistry.shutdown}.
 * @public
 */
export interface ShutdownConfig {
  /**
   * The reconnection delay sent to every client in the last message's `retry:` field, in ms.
   * @default 1000
   */
  retryMs?: number;
  /**
   * Each client gets `retryMs` plus a random whole number from 0 to below `jitterMs`, so that
   * they do not all reconnect in the same instant. `0` sends exactly `retryMs`.
   * @default retryMs (reconnects spread over `retryMs` to `2 * retryMs`)
   */
  jitterMs?: number;
  /**
   * How long streams get to write their last message and end; then what is still open is destroyed.
   * @default 10_000
   */
  deadlineMs?: number;
  /**
   * Fields sent along with `retry` in the last message, e.g. `{ event: 'shutdown', data: 'bye' }`.
   * @default undefined (a message with only `retry:`)
   */
  message?: SseMessage;
}

/**
 * A snapshot of the streams of a {@link StreamRegistry}, computed when asked.
 * @public
 */
export interface StreamMetrics {
  /** Streams open right now. */
  openStreams: number;
  /** Streams let in since the registry was created. */
  openedStreams: number;
  /** Streams refused (over a limit, or during shutdown). */
  refusedStreams: number;
  /** `refusedStreams` by the status of the answer: 429 over `maxStreamsPerKey`, 503 over `maxStreams` or during shutdown. */
  refusedByStatus: Record<429 | 503, number>;
  /** Streams whose request carried a `Last-Event-ID` (header or `lastEventId` query). */
  resumedStreams: number;
  /** Bytes waiting in the write queues of the open streams (socket buffers not included). */
  bufferedBytes: number;
  /** Messages discarded by a `'drop-oldest'` or `'drop-newest'` policy, over all streams. */
  droppedMessages: number;
  /** Streams closed for reading too slowly under the `'close'` policy. */
  closedSlowClients: number;
  /** Messages skipped because the codec refuses them (each reported to the sink's `onError`), over all streams. */
  skippedMessages: number;
  /** Messages (events, comments, heartbeats, retry hints) handed to the connections, over all streams. */
  sentMessages: number;
  /** Bytes of those messages, encoded. */
  sentBytes: number;
  /** `droppedMessages` by the policy that dropped them. */
  droppedByPolicy: Record<'drop-oldest' | 'drop-newest', number>;
  /**
   * `closedSlowClients` by what closed them: a stream's own `'close'` policy (`backpressure.maxBufferBytes`)
   * or the registry's `maxBufferedBytes`.
   */
  slowClientsByPolicy: Record<'close' | 'maxBufferedBytes', number>;
  /** `event: reset` messages sent (see `resetMessage`), by reason; a reason no store sends is counted as `'other'`. */
  resets: Record<ResetReason | 'other', number>;
  /**
   * Source errors by HTTP status: `http` those answered with the status before the stream started,
   * `event` those sent as `event: error` (keys are the statuses, e.g. `{ http: { 401: 2 }, event: { 500: 1 } }`).
   */
  errors: Record<'http' | 'event', Record<number, number>>;
  /** Streams closed by `shutdown`: `ended` got the last message, `destroyed` were still open at the deadline. */
  shutdownCloses: Record<'ended' | 'destroyed', number>;
  /** Age of the oldest open stream in seconds; 0 without streams. */
  oldestStreamSeconds: number;
  /** How long the closed streams were open, in seconds; see {@link HistogramSnapshot}. */
  streamDurations: HistogramSnapshot;
  /**
   * How many events a store replayed to each resuming stream (a request with a `Last-Event-ID` the
   * store could serve; a reset is counted in `resets` instead), as the store reports it through
   * `clientMeter()`: the stores of sse-rx (memory, Redis, and the resumable stores built on them) do.
   */
  replayedEvents: HistogramSnapshot;
  /**
   * How late a store delivered live events to this registry's streams, in seconds from the append
   * (for the Redis store, the time of the `XADD` id), once per event and registry.
   */
  storeLag: HistogramSnapshot;
  /** The `storeLag` of the latest event a store delivered, in seconds; 0 before the first. */
  lastStoreLagSeconds: number;
}

/**
 * A histogram of a {@link StreamMetrics}: cumulative counts per upper bound.
 *
 * @example
 * ```ts
 * import { createStreamRegistry } from 'sse-rx-server';
 * const { bounds, counts, count } = createStreamRegistry().metrics().replayedEvents;
 * // bounds [0, 1, 10, 100, 1000, 10000]; counts[i] replays of at most bounds[i] events; counts[bounds.length] === count
 * ```
 * @public
 */
export interface HistogramSnapshot {
  /** The upper bounds of the buckets, ascending (a last `+Inf` bucket is implied). */
  bounds: readonly number[];
  /** How many values were at most each bound (cumulative; one more entry for `+Inf`, equal to `count`). */
  counts: number[];
  /** The values added up. */
  sum: number;
  /** How many values were observed. */
  count: number;
}

/**
 * One open stream of a {@link StreamRegistry}, as {@link StreamRegistry.streams} sees it now.
 * @public
 */
export interface StreamSnapshot {
  /** Seconds since the stream was let in. */
  ageSeconds: number;
  /** The registry's `key` for its request, if any. */
  key: string | undefined;
  /** True when its request carried a `Last-Event-ID`. */
  resumed: boolean;
  /** Messages handed to its connection. */
  sentMessages: number;
  /** Bytes of those messages. */
  sentBytes: number;
  /** Bytes waiting in its write queue. */
  bufferedBytes: number;
  /** Bytes the process holds for it: its queue plus what Node still holds for the response. */
  heldBytes: number;
  /** Messages its drop policy discarded. */
  droppedMessages: number;
}

/**
 * Tracks, limits and shuts down streams; made by {@link createStreamRegistry}.
 * @public
 */
export interface StreamRegistry {
  /** The registry's name, the `registry` label of its Prometheus series (see `StreamRegistryConfig.name`). */
  readonly name: string;
  /** Counts as of now; cheap enough to call from a `/metrics` route or an `interval`. */
  metrics(): StreamMetrics;
  /** Every open stream's figures as of now (one entry per stream: for debugging, not for a time series). */
  streams(): StreamSnapshot[];
  /** {@link StreamRegistry.metrics} in the Prometheus text format 0.0.4; see `prometheusHandler` to serve it. */
  prometheus(): string;
  /** The number of open streams: the current one on subscription, then each change; completes after shutdown. */
  readonly openStreams$: Observable<number>;
  /** True once `shutdown` was called: new streams are refused with 503. */
  readonly closing: boolean;
  /**
   * Ends every open stream gracefully (last message with `retry:`, source stopped, response
   * ended), destroys what is left at the deadline, and refuses new streams from now on.
   * Calling it again returns the same promise.
   * @returns a promise that resolves once every stream is closed.
   */
  shutdown(config?: ShutdownConfig): Promise<void>;
}
