import { Subscription, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { type SseDemand, withDemand } from '../demand.js';
import { SseInvalidMessageError, SseSlowClientError } from '../errors.js';
import type { SseRequest } from '../readLastEventId.js';
import { STREAM_READY } from '../streamReady.js';
import { encodeFrame } from './encodeFrame.js';
import { errorBody, type SettledError, type SseErrorInfo } from './errorBody.js';
import { DEFAULT_HEAD_TIMEOUT_MS } from './responseConfig.js';
import { retryAfterHeader } from './retryAfterHeader.js';
import { createWriteQueue, type BackpressureConfig, type FrameTarget, type WriteQueue } from './writeQueue.js';

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

/** A running sink: unsubscribe to stop the source, call `drain` when the connection takes more. */
export interface Pump {
  readonly subscription: Subscription;
  drain(): void;
  /** Stops the source, queues `last` (if any) and ends the connection once everything is written. */
  end(last?: SseMessage): void;
  /** The write queue, for its `bufferedBytes`, `heldBytes` and `dropped` counts. */
  readonly queue: Pick<WriteQueue, 'bufferedBytes' | 'heldBytes' | 'dropped'>;
  /** Messages skipped because the codec refuses them. */
  readonly skipped: number;
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
 * Subscribes to `source$` and writes every message, encoded, through a bounded queue. Never
 * throws: a message the codec refuses is skipped and reported, a source error takes the error
 * path (an HTTP answer through `reject` before `open`, else an `event: error` message).
 */
export function pump(
  source$: Observable<SseMessage>,
  connection: SinkConnection,
  config: PumpConfig = {},
  request?: SseRequest,
): Pump {
  const queue = createWriteQueue(connection, config.backpressure, () => (endWhenFlushed(), wake()));
  const subscription = new Subscription();
  let ending = false;
  let ended = false;
  let skipped = 0;
  // Frames of comments and retry hints that came while the head is held.
  let held: Uint8Array[] | undefined = connection.open ? [] : undefined;
  let heldBytes = 0;
  let headTimer: ReturnType<typeof setTimeout> | undefined;
  // Listeners of `demand.whenReady`, called once the queue is empty again.
  let waiting: (() => void)[] = [];
  const demand: SseDemand = {
    get ready() {
      return queue.empty;
    },
    whenReady(listener) {
      if (queue.empty) {
        const timer = setTimeout(listener, 0);
        return () => clearTimeout(timer);
      }
      waiting.push(listener);
      return () => {
        waiting = waiting.filter((other) => other !== listener);
      };
    },
  };
  const wake = () => {
    if (waiting.length === 0 || !queue.empty) return;
    const listeners = waiting;
    waiting = [];
    for (const listener of listeners) listener();
  };

  const report = (error: unknown) => {
    try {
      config.onError?.(error, request);
    } catch {
      // A failing logger must not take the stream down.
    }
  };
  const endWhenFlushed = () => {
    if (ending && !ended && queue.empty) {
      ended = true;
      connection.end();
    }
  };
  // Returns false when the client was closed for being too slow.
  const push = (frame: Uint8Array): boolean => {
    if (queue.push(frame)) return true;
    subscription.unsubscribe();
    ended = true;
    connection.abort(new SseSlowClientError(queue.maxBufferBytes));
    return false;
  };
  // Sends the head, then what was held behind it. False when that closed a slow client.
  const openHead = (): boolean => {
    if (held === undefined) return true;
    const frames = held;
    held = undefined;
    clearTimeout(headTimer);
    connection.open!();
    return frames.every(push);
  };
  const finish = () => {
    // The source is done: the subscription reads as closed from now on.
    subscription.unsubscribe();
    ending = true;
    if (openHead()) endWhenFlushed();
  };
  const send = (message: SseMessage) => {
    if (message === STREAM_READY) {
      openHead();
      return;
    }
    let frame: Uint8Array;
    try {
      frame = encodeFrame(message);
    } catch (error) {
      // One bad message must not end the stream (nor, from a shared source, every client's).
      skipped++;
      report(new SseInvalidMessageError(message, error));
      return;
    }
    if (held !== undefined && isControl(message) && heldBytes + frame.byteLength <= queue.maxBufferBytes) {
      held.push(frame);
      heldBytes += frame.byteLength;
      return;
    }
    if (openHead()) push(frame);
  };
  const fail = (error: unknown) => {
    subscription.unsubscribe();
    report(error);
    const answer = errorBody(error, config.mapError);
    if (held !== undefined && connection.reject) {
      held = undefined;
      clearTimeout(headTimer);
      ending = ended = true;
      const headers = { 'content-type': 'application/json; charset=utf-8', ...retryAfterHeader(answer) };
      connection.reject(answer.status, JSON.stringify(httpBody(answer)), headers);
      return;
    }
    try {
      if (!openHead() || !push(encodeFrame({ event: 'error', data: JSON.stringify(eventBody(answer)) }))) return;
    } catch {
      // The connection refused the write (it is already gone): just close.
    }
    finish();
  };

  subscription.add(() => clearTimeout(headTimer));
  subscription.add(
    // A store subscribed here reads `demand` (clientDemand) to pace a replay to this connection.
    withDemand(demand, () =>
      source$.subscribe({
        next: (message) => {
          if (ending) return;
          try {
            send(message);
          } catch (error) {
            fail(error);
          }
        },
        error: fail,
        complete: finish,
      }),
    ),
  );
  if (held !== undefined && !subscription.closed) {
    const headTimeoutMs = config.headTimeoutMs ?? DEFAULT_HEAD_TIMEOUT_MS;
    if (headTimeoutMs > 0) headTimer = setTimeout(openHead, headTimeoutMs);
    else openHead();
  }
  return {
    subscription,
    drain() {
      queue.drain();
      endWhenFlushed();
      wake();
    },
    end(last) {
      if (ending || ended) return;
      subscription.unsubscribe();
      try {
        if (!openHead() || (last && !push(encodeFrame(last)))) return;
      } catch {
        // A refused message or a connection already gone: just close.
      }
      finish();
    },
    queue,
    get skipped() {
      return skipped;
    },
  };
}

/** The JSON body of an error answered before the stream started: no `retryable`, the status says it. */
function httpBody({ status, code, message }: SettledError): Pick<SettledError, 'status' | 'code' | 'message'> {
  return code === undefined ? { status, message } : { status, code, message };
}

/** The data of an `event: error`: the contract's fields, without the `Retry-After` hint. */
function eventBody({ retryAfterMs: _hint, ...fields }: SettledError): Omit<SettledError, 'retryAfterMs'> {
  return fields;
}
