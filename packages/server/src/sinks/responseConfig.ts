import type { StreamRegistry } from '../streamRegistryTypes.js';
import type { SseSinkConfig } from './pump.js';

/**
 * Options of the sinks that answer a request with a response head (`sendEvents`, `toResponse`).
 *
 * @example
 * ```ts
 * import { sendEvents } from 'sse-rx-server';
 * sendEvents(req, res, orders$, { headTimeoutMs: 250, onError: (error) => log.warn(error) });
 * ```
 * @public
 */
export interface SseResponseConfig extends SseSinkConfig {
  /**
   * The response status of the stream.
   * @default 200
   */
  status?: number;
  /**
   * The longest the head (status and headers) is held, in milliseconds, waiting for the first
   * message that is more than a comment or a `retry:` hint, or for `STREAM_READY`. Until then an
   * error from the source (sync or async: an auth check, say) is answered with its own HTTP
   * status and a JSON body; after, with an `event: error`. `0` sends the head as soon as the
   * source was subscribed (a synchronous error is still a real status).
   * @default 1000
   */
  headTimeoutMs?: number;
  /**
   * Tracks this stream for limits, metrics and graceful shutdown; a stream the registry refuses
   * is answered with its status (429 or 503) and `Retry-After`, and the source is not subscribed.
   * @default undefined (not tracked)
   */
  registry?: StreamRegistry;
}

/** The default of `headTimeoutMs`. */
export const DEFAULT_HEAD_TIMEOUT_MS = 1000;
/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days): Node turns a longer one into 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Checks a sink's `headTimeoutMs` before anything starts.
 * @throws TypeError when it is not a number from 0 to 2^31 - 1.
 */
export function checkHeadTimeout(config: SseResponseConfig): void {
  const { headTimeoutMs } = config;
  if (headTimeoutMs === undefined || (headTimeoutMs >= 0 && headTimeoutMs <= MAX_TIMER_MS)) return;
  throw new TypeError(
    `headTimeoutMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${String(headTimeoutMs)}.`,
  );
}
