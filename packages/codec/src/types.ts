import type { SseProtocolError } from './errors.js';

/**
 * One message to put on the wire, the input of `encode` (sse-rx-codec).
 *
 * Every field is optional, but a message must carry at least one of them, and an
 * `event` needs `data` (a browser never dispatches an event without data).
 *
 * @example
 * ```ts
 * import type { SseMessage } from 'sse-rx-codec';
 * const message: SseMessage = { event: 'tick', id: '42', data: '{"n":42}' };
 * ```
 * @public
 */
export interface SseMessage {
  /** The payload. Line breaks (CR, LF, CRLF) become several `data:` lines; `''` is an event with empty data. */
  data?: string;
  /** The event type; the client sees `message` when omitted. Must not contain CR or LF. */
  event?: string;
  /** The id the client stores as its last event id (`''` resets it). Must not contain CR, LF or NUL. */
  id?: string;
  /** The reconnection delay in milliseconds the client should use: a non-negative integer. */
  retry?: number;
  /** A comment line (ignored by clients, useful as a heartbeat). Line breaks split it into several comment lines. */
  comment?: string;
}

/**
 * One event dispatched by the decoder: the shape of a browser `MessageEvent`.
 * @public
 */
export interface SseEvent {
  /** The event type: the last `event:` field of the block, or `message`. */
  type: string;
  /** The `data:` lines of the block joined with LF. */
  data: string;
  /** The last event id in force when this event was dispatched (it persists across events). */
  lastEventId: string;
}

/**
 * Options and callbacks of {@link SseDecoder}.
 * @public
 */
export interface SseDecoderConfig {
  /** Called for every dispatched event. */
  onEvent?: (event: SseEvent) => void;
  /** Called with the new reconnection delay when a valid `retry:` field arrives. */
  onRetry?: (delayMs: number) => void;
  /** Called with the text of each comment line (after the colon, one leading space removed). */
  onComment?: (comment: string) => void;
  /**
   * Called for input the spec tells a client to ignore (`invalid-retry`) and for input past the
   * size limit (`max-size-exceeded`, after which the decoder skips the rest of that event).
   * Without it such input is skipped silently, as browsers do.
   */
  onError?: (error: SseProtocolError) => void;
  /**
   * The most the decoder keeps in memory, in UTF-16 code units: any one line plus the data already
   * buffered for its event. A stream that goes past it gets a `max-size-exceeded` error and the rest
   * of that event is skipped up to its blank line. Whole-chunk or byte-by-byte, the result is the same.
   * @defaultValue 8 MiB (8,388,608)
   */
  maxEventSize?: number;
  /** The last event id to start from, e.g. the one a reconnecting client sent. @defaultValue `''` */
  lastEventId?: string;
}
