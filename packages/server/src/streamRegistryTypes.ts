import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

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
}

/**
 * Tracks, limits and shuts down streams; made by {@link createStreamRegistry}.
 * @public
 */
export interface StreamRegistry {
  /** Counts as of now; cheap enough to call from a `/metrics` route or an `interval`. */
  metrics(): StreamMetrics;
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
