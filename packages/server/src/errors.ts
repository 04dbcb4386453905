import { SseError, type SseMessage } from 'sse-rx-codec';

/**
 * A client read too slowly: its send buffer went past `backpressure.maxBufferBytes` under the
 * `'close'` policy, or it held the most bytes when all streams of a registry together went past
 * the registry's `maxBufferedBytes`; so the sink closed the connection and unsubscribed from the source.
 *
 * The client will reconnect (browsers do by themselves) and can resume with `Last-Event-ID`.
 * Raise the bound, or choose `'drop-oldest'` / `'drop-newest'`, to keep slow clients.
 *
 * @example
 * ```ts
 * import { SseSlowClientError } from 'sse-rx-server';
 * const error = new SseSlowClientError(262_144);
 * console.log(error.name, error.maxBufferBytes, error.bound);
 * // SseSlowClientError 262144 backpressure.maxBufferBytes
 * ```
 * @public
 */
export class SseSlowClientError extends SseError {
  /** Always `'SseSlowClientError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseSlowClientError';
  /** The bound that was exceeded, in bytes. */
  readonly maxBufferBytes: number;
  /** Which bound: this client's own, or the registry's for all streams together. */
  readonly bound: 'backpressure.maxBufferBytes' | 'maxBufferedBytes';

  /**
   * @param maxBufferBytes - the configured bound that was exceeded, in bytes.
   * @param bound - which one: `'backpressure.maxBufferBytes'` (per client, the default) or the registry's `'maxBufferedBytes'`.
   */
  constructor(maxBufferBytes: number, bound: SseSlowClientError['bound'] = 'backpressure.maxBufferBytes') {
    super(
      bound === 'maxBufferedBytes'
        ? `SSE client too slow: all streams together held more than ${maxBufferBytes} bytes and this one held the most, ` +
            `connection closed. Raise the registry's maxBufferedBytes or lower backpressure.maxBufferBytes.`
        : `SSE client too slow: more than ${maxBufferBytes} bytes waiting, connection closed. ` +
            `Raise backpressure.maxBufferBytes or use the 'drop-oldest' or 'drop-newest' policy.`,
    );
    this.maxBufferBytes = maxBufferBytes;
    this.bound = bound;
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
  /** Always `'SseShutdownError'` (kept under minification, unlike `constructor.name`). */
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
  /** Always `'SseInvalidMessageError'` (kept under minification, unlike `constructor.name`). */
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

/** The status and message of each {@link SseResumableError} code. */
const RESUMABLE_ERRORS = {
  'invalid-stream-id': {
    status: 400,
    message: (id: string) =>
      `Stream id ${id} is not valid: use 1 to 128 characters of A-Z a-z 0-9 . _ ~ : - (a random UUID, say).`,
  },
  'stream-not-found': {
    status: 404,
    message: (id: string) => `Stream ${id} is not known here: it was never started, or it ended and was dropped.`,
  },
  'stream-exists': {
    status: 409,
    message: (id: string) => `Stream ${id} was already started: follow it by id instead of starting it again.`,
  },
  'too-many-streams': {
    status: 503,
    message: (id: string) => `Stream ${id} was not started: the server holds as many streams as it may. Retry later.`,
  },
} as const;

/**
 * A request to `createResumableStreams` that cannot be served, with the HTTP status the sinks
 * answer it with (before any event): `invalid-stream-id` (400, the id is not 1 to 128 characters
 * of `A-Z a-z 0-9 . _ ~ : -`), `stream-not-found` (404, never started, or dropped since),
 * `stream-exists` (409, a second start with an id already used: the producer runs once; follow it
 * with a GET instead), `too-many-streams` (503, the store holds its `maxStreams`: retry later).
 * Its message is sent to the client (`expose`).
 *
 * @example
 * ```ts
 * import { SseResumableError } from 'sse-rx-server';
 * const error = new SseResumableError('stream-exists', 'a1');
 * console.log(error.status, error.code, error.message);
 * // 409 stream-exists Stream "a1" was already started: follow it by id instead of starting it again.
 * ```
 * @public
 */
export class SseResumableError extends SseError {
  /** Always `'SseResumableError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseResumableError';
  /** Why the request cannot be served. */
  readonly code: 'invalid-stream-id' | 'stream-not-found' | 'stream-exists' | 'too-many-streams';
  /** The HTTP status the sinks answer with: 400, 404, 409 or 503. */
  readonly status: 400 | 404 | 409 | 503;
  /** The stream id of the request (cut to 64 characters). */
  readonly streamId: string;
  /** Always `true`: the message is safe to show to the client. */
  readonly expose = true;

  /**
   * @param code - why the request cannot be served.
   * @param streamId - the stream id of the request.
   */
  constructor(code: SseResumableError['code'], streamId: string) {
    const id = JSON.stringify(streamId.slice(0, 64));
    super(RESUMABLE_ERRORS[code].message(id));
    this.code = code;
    this.status = RESUMABLE_ERRORS[code].status;
    this.streamId = streamId.slice(0, 64);
  }
}
