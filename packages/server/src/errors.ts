import { SseError, type SseMessage } from 'sse-rx-codec';

/**
 * A client read too slowly: its send buffer went past `backpressure.maxBufferBytes` under the
 * `'close'` policy, so the sink closed the connection and unsubscribed from the source.
 *
 * The client will reconnect (browsers do by themselves) and can resume with `Last-Event-ID`.
 * Raise `maxBufferBytes`, or choose `'drop-oldest'` / `'drop-newest'`, to keep slow clients.
 *
 * @example
 * ```ts
 * import { SseSlowClientError } from 'sse-rx-server';
 * const error = new SseSlowClientError(1_048_576);
 * console.log(error.name, error.maxBufferBytes);
 * // SseSlowClientError 1048576
 * ```
 * @public
 */
export class SseSlowClientError extends SseError {
  override name = 'SseSlowClientError';
  /** The bound that was exceeded, in bytes. */
  readonly maxBufferBytes: number;

  /** @param maxBufferBytes - the configured bound that the client's buffer went past. */
  constructor(maxBufferBytes: number) {
    super(
      `SSE client too slow: more than ${maxBufferBytes} bytes waiting, connection closed. ` +
        `Raise backpressure.maxBufferBytes or use the 'drop-oldest' or 'drop-newest' policy.`,
    );
    this.maxBufferBytes = maxBufferBytes;
  }
}

/**
 * A stream was still open when `registry.shutdown()` reached its `deadlineMs` (typically a client
 * that stopped reading), so it was destroyed. A Web stream errors with it; a Node response is
 * destroyed without an error.
 *
 * @example
 * ```ts
 * import { SseShutdownError } from 'sse-rx-server';
 * const error = new SseShutdownError(5000);
 * console.log(error.name, error.deadlineMs);
 * // SseShutdownError 5000
 * ```
 * @public
 */
export class SseShutdownError extends SseError {
  override name = 'SseShutdownError';
  /** The shutdown deadline that passed, in milliseconds. */
  readonly deadlineMs: number;

  /** @param deadlineMs - the `deadlineMs` of the shutdown that destroyed the stream. */
  constructor(deadlineMs: number) {
    super(`SSE stream destroyed: still open ${deadlineMs} ms after shutdown started.`);
    this.deadlineMs = deadlineMs;
  }
}

/**
 * A message the codec refuses reached a sink (an `event` or `id` holding a line break, say): the
 * sink skipped it, kept the stream going, and reports this error to its `onError` option.
 *
 * Stores refuse such messages when they are published; this is the last line of defence for a
 * source that builds messages itself. Fix the message where it is made.
 *
 * @example
 * ```ts
 * import { sendEvents, SseInvalidMessageError } from 'sse-rx-server';
 * sendEvents(req, res, source$, {
 *   onError: (error) => {
 *     if (error instanceof SseInvalidMessageError) console.warn(error.message, error.sseMessage);
 *   },
 * });
 * ```
 * @public
 */
export class SseInvalidMessageError extends SseError {
  override name = 'SseInvalidMessageError';
  /** The message that was skipped. */
  readonly sseMessage: SseMessage;

  /**
   * @param sseMessage - the message the codec refused.
   * @param cause - the codec's `TypeError`, which says which field is wrong.
   */
  constructor(sseMessage: SseMessage, cause: unknown) {
    super(`SSE message skipped: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.sseMessage = sseMessage;
  }
}
