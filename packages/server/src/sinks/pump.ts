import { Subscription, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { nextTask, type SseDemand, withDemand } from '../demand.js';
import { SseInvalidMessageError, SseSlowClientError } from '../errors.js';
import type { SseRequest } from '../readLastEventId.js';
import { STREAM_READY } from '../streamReady.js';
import type { StreamTracker } from './admission.js';
import { encodeFrame } from './encodeFrame.js';
import { errorBody, type SettledError, type SseErrorInfo } from './errorBody.js';
import { DEFAULT_HEAD_TIMEOUT_MS } from './responseConfig.js';
import { retryAfterHeader } from './retryAfterHeader.js';
import { type BackpressureConfig, type FrameTarget, WriteQueue } from './writeQueue.js';

/**
 * Options shared by every sink (`toReadableStream`, `toResponse`, `sendEvents`).
 *
 * @example
 * ```ts
 * import { toReadableStream } from 'sse-rx-server';
 * const body = toReadableStream(updates$, {
 *   mapError: () => ({ code: 'UPSTREAM_DOWN' }),
 *   onError: (error) => console.error('stream failed', error),
 * });
 * // on a source error, last on the wire:
 * // 'event: error\ndata: {"status":500,"code":"UPSTREAM_DOWN","message":"Internal error","retryable":true}\n\n'
 * ```
 * @public
 */
export interface SseSinkConfig {
  /** What to do with a client that reads slower than the source emits; see {@link BackpressureConfig}. */
  backpressure?: BackpressureConfig;
  /**
   * Chooses what the client is told about a source error (see {@link SseErrorInfo}); return
   * `undefined` for the defaults. Whatever it returns, or throws, the client gets a well-formed
   * answer and no stack or internal message unless you put one in.
   * @default () => undefined (status from the error's `status`, else 500; a generic message)
   */
  mapError?: (error: unknown) => SseErrorInfo | undefined;
  /**
   * Called with every error the sink answered or skipped (a source error, a message the codec
   * refuses as {@link SseInvalidMessageError}) and the request, so the server can log what the
   * client was not told. Whatever it throws is ignored.
   * @default undefined
   */
  onError?: (error: unknown, request: SseRequest | undefined) => void;
}

/** The connection a sink drives: writes frames, ends after them, or aborts at once. */
export interface SinkConnection extends FrameTarget {
  /**
   * Sends the response head. With it the pump holds the head (and comment-only frames) until the
   * first event, `STREAM_READY` or `headTimeoutMs`, so that an error before then can still be
   * answered through `reject`. Without it (a bare byte stream) frames go out at once.
   */
  open?(): void;
  /**
   * Answers an error that came before `open`, with its status, the answer's headers (`content-type`
   * and maybe `retry-after`) and JSON body; the connection is then done.
   */
  reject?(status: number, body: string, headers: Record<string, string>): void;
  end(): void;
  abort(reason: SseSlowClientError): void;
}

/** How the pump is run by a sink that has a response head. */
export interface PumpConfig extends SseSinkConfig {
  /** See `SseResponseConfig.headTimeoutMs`; checked by `headTimeoutOf`. */
  headTimeoutMs?: number;
}

/** True for a message that dispatches nothing: only a comment and/or a `retry:` hint. */
const isControl = (message: SseMessage): boolean =>
  message.data === undefined && message.event === undefined && message.id === undefined;

/**
 * A running sink: subscribes to `source$` and writes every message, encoded, through a bounded
 * queue. Never throws: a message the codec refuses is skipped and reported, a source error takes
 * the error path (an HTTP answer through `reject` before `open`, else an `event: error` message).
 * Unsubscribe `subscription` to stop the source; call `drain` when the connection takes more.
 *
 * It is also the {@link SseDemand} a store reads (`clientDemand`) while the source is subscribed:
 * ready while nothing waits in the queue. A class, not closures: one is kept per open stream, and
 * its methods live once on the prototype (the idle heap per connection is what a broadcast to
 * thousands of clients pays).
 */
export class Pump implements SseDemand {
  /** Closed once the source is done or stopped; unsubscribe it to stop the source. */
  readonly subscription = new Subscription(() => this.stop());
  /** The write queue, for its `bufferedBytes`, `heldBytes` and `dropped` counts. */
  readonly queue: WriteQueue;
  /** Messages skipped because the codec refuses them. */
  skipped = 0;
  private ending = false;
  private ended = false;
  // Frames of comments and retry hints that came while the head is held.
  private held: Uint8Array[] | undefined;
  private heldBytes = 0;
  private headTimer: ReturnType<typeof setTimeout> | undefined;
  // Listeners of `whenReady`, called once the queue is ready again.
  private waiting: (() => void)[] | undefined;
  // The subscription to the source (its own teardown list, so `subscription` needs none).
  private source: Subscription | undefined;

  constructor(
    source$: Observable<SseMessage>,
    private readonly connection: SinkConnection,
    private readonly config: PumpConfig = {},
    private readonly request?: SseRequest,
    private readonly tracker?: StreamTracker,
  ) {
    this.queue = new WriteQueue(connection, config.backpressure, this);
    if (connection.open) this.held = [];
    // A store subscribed here reads this pump as its demand (clientDemand) to pace a replay.
    const source = withDemand(this, () => source$.subscribe(this), tracker?.meter);
    // The source may have ended (or failed) while being subscribed.
    if (this.subscription.closed) source.unsubscribe();
    else this.source = source;
    if (this.held !== undefined && !this.subscription.closed) {
      const headTimeoutMs = config.headTimeoutMs ?? DEFAULT_HEAD_TIMEOUT_MS;
      if (headTimeoutMs > 0) this.headTimer = setTimeout(() => this.openHead(), headTimeoutMs);
      else this.openHead();
    }
  }

  /** True while what is sent now goes straight to the connection (see `WriteQueue.ready`). */
  get ready(): boolean {
    return this.queue.ready;
  }

  /** Calls `listener` in a later task once the queue is ready; returns a function that cancels the call. */
  whenReady(listener: () => void): () => void {
    if (this.queue.ready) return nextTask(listener);
    this.waiting ??= [];
    this.waiting.push(listener);
    return () => {
      this.waiting = this.waiting?.filter((other) => other !== listener);
    };
  }

  /** The connection can take more: writes what waits. */
  drain(): void {
    this.queue.drain();
    this.flushed();
  }

  /** Stops the source, queues `last` (if any) and ends the connection once everything is written. */
  end(last?: SseMessage): void {
    if (this.ending || this.ended) return;
    this.subscription.unsubscribe();
    try {
      if (!this.openHead() || (last && !this.push(encodeFrame(last)))) return;
    } catch {
      // A refused message or a connection already gone: just close.
    }
    this.finish();
  }

  /** The source's next message (the pump is the source's observer). */
  next(message: SseMessage): void {
    if (this.ending) return;
    try {
      this.send(message);
    } catch (error) {
      this.error(error);
    }
  }

  /** The source failed: an HTTP answer before the head went out, else `event: error`, then the end. */
  error(error: unknown): void {
    this.subscription.unsubscribe();
    this.report(error);
    const answer = errorBody(error, this.config.mapError);
    const { connection } = this;
    if (this.held !== undefined && connection.reject) {
      this.tracker?.failed(answer.status, 'http');
      this.held = undefined;
      this.clearHeadTimer();
      this.ending = this.ended = true;
      const headers = { 'content-type': 'application/json; charset=utf-8', ...retryAfterHeader(answer) };
      connection.reject(answer.status, JSON.stringify(httpBody(answer)), headers);
      return;
    }
    this.tracker?.failed(answer.status, 'event');
    try {
      if (!this.openHead() || !this.push(encodeFrame({ event: 'error', data: JSON.stringify(eventBody(answer)) })))
        return;
    } catch {
      // The connection refused the write (it is already gone): just close.
    }
    this.finish();
  }

  /** The source is done: the end follows once everything queued is written. */
  complete(): void {
    this.finish();
  }

  private report(error: unknown): void {
    try {
      this.config.onError?.(error, this.request);
    } catch {
      // A failing logger must not take the stream down.
    }
  }

  /** The queue passed frames on: ends a finished stream once it is empty, wakes stores waiting on it. */
  flushed(): void {
    if (!this.queue.ready) return;
    if (this.ending && !this.ended && this.queue.empty) {
      this.ended = true;
      this.connection.end();
    }
    const listeners = this.waiting;
    if (listeners === undefined || listeners.length === 0) return;
    this.waiting = undefined;
    for (const listener of listeners) listener();
  }

  // Returns false when the client was closed for being too slow.
  private push(frame: Uint8Array): boolean {
    if (this.queue.push(frame)) return true;
    this.subscription.unsubscribe();
    this.ended = true;
    this.connection.abort(new SseSlowClientError(this.queue.maxBufferBytes));
    return false;
  }

  // Sends the head, then what was held behind it. False when that closed a slow client.
  private openHead(): boolean {
    const frames = this.held;
    if (frames === undefined) return true;
    this.held = undefined;
    this.clearHeadTimer();
    this.connection.open!();
    return frames.every((frame) => this.push(frame));
  }

  // Stops the source and the head timer (the teardown of `subscription`).
  private stop(): void {
    this.clearHeadTimer();
    this.source?.unsubscribe();
    this.source = undefined;
  }

  // Clears the head timer and lets go of it (a fired Timeout kept per idle stream is heap for nothing).
  private clearHeadTimer(): void {
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
  }

  private finish(): void {
    // The source is done: the subscription reads as closed from now on.
    this.subscription.unsubscribe();
    this.ending = true;
    if (this.openHead()) this.flushed();
  }

  private send(message: SseMessage): void {
    if (message === STREAM_READY) {
      this.openHead();
      return;
    }
    let frame: Uint8Array;
    try {
      frame = encodeFrame(message);
    } catch (error) {
      // One bad message must not end the stream (nor, from a shared source, every client's).
      this.skipped++;
      this.report(new SseInvalidMessageError(message, error));
      return;
    }
    // A store's `event: reset` (see resetMessage), counted by reason in the registry's metrics.
    if (this.tracker !== undefined && message.event === 'reset') this.tracker.reset(message.data);
    const { held } = this;
    if (held !== undefined && isControl(message) && this.heldBytes + frame.byteLength <= this.queue.maxBufferBytes) {
      held.push(frame);
      this.heldBytes += frame.byteLength;
      return;
    }
    if (this.openHead()) this.push(frame);
  }
}

/** The JSON body of an error answered before the stream started: no `retryable`, the status says it. */
function httpBody({ status, code, message }: SettledError): Pick<SettledError, 'status' | 'code' | 'message'> {
  return code === undefined ? { status, message } : { status, code, message };
}

/** The data of an `event: error`: the contract's fields, without the `Retry-After` hint. */
function eventBody({ retryAfterMs: _hint, ...fields }: SettledError): Omit<SettledError, 'retryAfterMs'> {
  return fields;
}
