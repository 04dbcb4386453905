import { Subscription, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { SseSlowClientError } from '../errors.js';
import { encodeFrame } from './encodeFrame.js';
import { createWriteQueue, type BackpressureConfig, type FrameTarget, type WriteQueue } from './writeQueue.js';

/**
 * Options shared by every sink (`toReadableStream`, `toResponse`, `sendEvents`).
 *
 * @example
 * ```ts
 * import { toReadableStream } from 'sse-rx-server';
 * const body = toReadableStream(updates$, { mapError: (error) => ({ code: 'UPSTREAM_DOWN' }) });
 * // on a source error, last on the wire: 'event: error\ndata: {"code":"UPSTREAM_DOWN"}\n\n'
 * ```
 * @public
 */
export interface SseSinkConfig {
  /** What to do with a client that reads slower than the source emits; see {@link BackpressureConfig}. */
  backpressure?: BackpressureConfig;
  /**
   * Turns a source error into the `data` of the last message, `event: error`, sent before the
   * stream closes. A string is sent as is, anything else as JSON; return `undefined` to close
   * without an error event. Never exposes a stack unless you put one in.
   * @default () => ({ message: 'Internal error' })
   */
  mapError?: (error: unknown) => unknown;
}

/** The connection a sink drives: writes frames, ends after them, or aborts at once. */
export interface SinkConnection extends FrameTarget {
  end(): void;
  abort(reason: SseSlowClientError): void;
  /** Answers an error in the sink's own way (an HTTP status, say); true when it did and is done. */
  reject?(error: unknown, data: string | undefined): boolean;
}

/** A running sink: unsubscribe to stop the source, call `drain` when the connection takes more. */
export interface Pump {
  readonly subscription: Subscription;
  drain(): void;
  /** Stops the source, queues `last` (if any) and ends the connection once everything is written. */
  end(last?: SseMessage): void;
  /** The write queue, for its `bufferedBytes`, `heldBytes` and `dropped` counts. */
  readonly queue: Pick<WriteQueue, 'bufferedBytes' | 'heldBytes' | 'dropped'>;
}

const DEFAULT_ERROR = { message: 'Internal error' };

/**
 * Subscribes to `source$` and writes every message, encoded, through a bounded queue. Never
 * throws: a message the codec refuses (TypeError) and a source error both take the error path.
 */
export function pump(source$: Observable<SseMessage>, connection: SinkConnection, config: SseSinkConfig = {}): Pump {
  const queue = createWriteQueue(connection, config.backpressure);
  const subscription = new Subscription();
  let ending = false;
  let ended = false;

  const endWhenFlushed = () => {
    if (ending && !ended && queue.empty) {
      ended = true;
      connection.end();
    }
  };
  const finish = () => {
    // The source is done: the subscription reads as closed from now on.
    subscription.unsubscribe();
    ending = true;
    endWhenFlushed();
  };
  // Returns false when the client was closed for being too slow.
  const send = (message: SseMessage): boolean => {
    if (queue.push(encodeFrame(message))) return true;
    subscription.unsubscribe();
    ended = true;
    connection.abort(new SseSlowClientError(queue.maxBufferBytes));
    return false;
  };
  const fail = (error: unknown) => {
    subscription.unsubscribe();
    const data = errorData(error, config.mapError);
    if (connection.reject?.(error, data)) {
      ending = ended = true;
      return;
    }
    try {
      if (data !== undefined && !send({ event: 'error', data })) return;
    } catch {
      // The connection refused the write (it is already gone): just close.
    }
    finish();
  };

  subscription.add(
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
  );
  return {
    subscription,
    drain() {
      queue.drain();
      endWhenFlushed();
    },
    end(last) {
      if (ending || ended) return;
      subscription.unsubscribe();
      try {
        if (last && !send(last)) return;
      } catch {
        // A refused message or a connection already gone: just close.
      }
      finish();
    },
    queue,
  };
}

function errorData(error: unknown, mapError: ((error: unknown) => unknown) | undefined): string | undefined {
  let value: unknown = DEFAULT_ERROR;
  try {
    if (mapError) value = mapError(error);
  } catch {
    // A throwing mapError falls back to the generic message.
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}
