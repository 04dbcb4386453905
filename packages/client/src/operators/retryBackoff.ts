import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import {
  SseConnectionError,
  SseHttpError,
  SseNetworkError,
  SseServerError,
  SseStallError,
  SseStreamEndedError,
} from '../errors.js';

/** What {@link RetryBackoffConfig.shouldRetry} and `onRetry` receive. @public */
export interface RetryContext {
  /** The error the source failed with. */
  error: unknown;
  /** Which retry this would be: 1 for the first; it starts over only after a healthy connection (see `healthyAfterMs`). */
  attempt: number;
}

/** Options of {@link retryBackoff}. @public */
export interface RetryBackoffConfig {
  /** Delay before the first retry, in milliseconds. @default 1000 */
  initialDelayMs?: number;
  /** Upper bound of the backoff and of a server's `retry:` value (jitter comes on top). @default 30000 */
  maxDelayMs?: number;
  /**
   * Upper bound of a `Retry-After` header (seconds or HTTP date, on a 429 or 503): a longer one
   * waits this long (jitter comes on top).
   * @default 600000 (10 minutes)
   */
  maxRetryAfterMs?: number;
  /** Growth of the delay from one retry to the next. @default 2 */
  factor?: number;
  /** `true` adds a random 0-50 % to each delay, so clients told the same thing do not come back in step. @default true */
  jitter?: boolean;
  /** How many retries in a row (with no healthy connection in between) before the error goes through. @default Infinity */
  maxAttempts?: number;
  /**
   * How long a subscription must have lasted, with at least one value, for its failure to start the
   * attempt count over. A server that sends one event and fails keeps backing off.
   * @default 5000
   */
  healthyAfterMs?: number;
  /**
   * Decides whether to retry: `true` or `false`, or `undefined` for the default rule, which retries
   * network errors, stalls, a stream the server ended, an {@link SseServerError} marked `retryable`,
   * and HTTP 5xx, 408 and 429, but no other error (never a `TypeError`, a programming error).
   * @default () => undefined
   */
  shouldRetry?: (context: RetryContext) => boolean | undefined;
  /** Called when a retry is scheduled, e.g. to show "reconnecting in 4 s". @default undefined */
  onRetry?: (context: RetryContext & { delayMs: number }) => void;
  /**
   * Cuts a delay short: an emission while a retry waits out its delay retries at once (the attempt
   * count goes on); at any other time it is ignored. Subscribed for as long as the result is, so a
   * source that emits on subscription does no harm. Made for {@link backOnline}.
   * @default undefined (every delay is waited out)
   */
  retryNow?: Observable<unknown>;
}

const DEFAULTS = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 600_000,
  factor: 2,
  jitter: true,
  maxAttempts: Infinity,
  healthyAfterMs: 5000,
};
/** setTimeout's largest delay; a longer one fires at once (with a TimeoutOverflowWarning in Node). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resubscribes to the source when it fails, waiting longer after each failure (exponential backoff
 * with jitter). The attempt count starts over only after a healthy subscription: one that delivered
 * a value and lasted `healthyAfterMs`.
 *
 * No server can make it storm. The wait is the largest of the backoff
 * (`initialDelayMs × factor^(attempt−1)`, at most `maxDelayMs`), the `retryMs` of an
 * {@link SseConnectionError} (the stream's last `retry:` field, at most `maxDelayMs`) and a
 * `Retry-After` header (seconds or HTTP date) on a 429 or 503 {@link SseHttpError} (at most
 * `maxRetryAfterMs`; invalid, negative or past values are ignored); with `jitter`, plus a random
 * 0-50 % of it; never above 2^31−1 ms. Unsubscribing from inside `shouldRetry`, `onRetry` or any
 * callback they trigger schedules nothing.
 * {@link fromSse} applies this operator itself when `reconnect` is on; use it directly for other
 * sources, or around a whole pipeline.
 *
 * @example
 * ```ts
 * import { fromSse, retryBackoff } from 'sse-rx-client';
 * fromSse('/completions', { method: 'POST', body: '{}', reconnect: false })
 *   .pipe(retryBackoff({ initialDelayMs: 500, maxAttempts: 3 }))
 *   .subscribe((e) => console.log(e.data));
 * // (a 503 with Retry-After: 2 is retried after 2 to 3 s)
 * ```
 * @param config - delays, attempts and the retry rule, see {@link RetryBackoffConfig}.
 * @returns An operator that mirrors the source, retrying its failures.
 * @public
 */
export function retryBackoff<T>(config: RetryBackoffConfig = {}): MonoTypeOperatorFunction<T> {
  const options = { ...DEFAULTS, ...config };
  // Every number in the defaults: at least 1 for factor (1 keeps the delay), at least 0 for the rest.
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const min = key === 'factor' ? 1 : 0;
    if (key !== 'jitter' && !((options[key] as number) >= min))
      throw new TypeError(`retryBackoff: ${key} must be >= ${min}, got ${String(options[key])}`);
  }
  return (source) =>
    new Observable<T>((subscriber) => {
      let attempt = 0;
      let current: Subscription | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const subscribe = (): void => {
        timer = undefined;
        const startedMs = Date.now();
        let delivered = false;
        current = source.subscribe({
          next: (value) => {
            delivered = true;
            subscriber.next(value);
          },
          error: (error: unknown) => {
            if (delivered && Date.now() - startedMs >= options.healthyAfterMs) attempt = 0;
            attempt += 1;
            const context = { error, attempt };
            const retry = attempt <= options.maxAttempts && (options.shouldRetry?.(context) ?? isRetryable(error));
            if (subscriber.closed) return; // unsubscribed from inside shouldRetry
            if (!retry) {
              subscriber.error(error);
              return;
            }
            const delayMs = retryDelayMs(error, attempt, options);
            options.onRetry?.({ ...context, delayMs });
            if (!subscriber.closed) timer = setTimeout(subscribe, delayMs); // not if unsubscribed from inside onRetry
          },
          complete: () => subscriber.complete(),
        });
        // Unsubscribed while subscribing (from a callback the source calls synchronously): let go of it too.
        if (subscriber.closed) current.unsubscribe();
      };

      const wake = options.retryNow?.subscribe({
        next: () => {
          if (timer === undefined) return; // connected, or given up: nothing to cut short
          clearTimeout(timer);
          subscribe();
        },
        error: (error: unknown) => subscriber.error(error),
      });
      subscribe();
      return () => {
        clearTimeout(timer);
        wake?.unsubscribe();
        current?.unsubscribe();
      };
    });
}

/** The default rule: transient failures yes, a request the server refused no. */
function isRetryable(error: unknown): boolean {
  if (error instanceof SseHttpError) return error.status >= 500 || error.status === 408 || error.status === 429;
  if (error instanceof SseServerError) return error.retryable;
  return error instanceof SseNetworkError || error instanceof SseStreamEndedError || error instanceof SseStallError;
}

function retryDelayMs(error: unknown, attempt: number, options: typeof DEFAULTS): number {
  const backoffMs = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** (attempt - 1));
  const retryFieldMs = error instanceof SseConnectionError ? Math.min(options.maxDelayMs, error.retryMs ?? 0) : 0;
  const retryAfterMs = error instanceof SseHttpError ? Math.min(options.maxRetryAfterMs, parseRetryAfterMs(error)) : 0;
  const baseMs = Math.max(backoffMs, retryFieldMs, retryAfterMs);
  const delayMs = options.jitter ? baseMs * (1 + Math.random() / 2) : baseMs;
  return Math.round(Math.min(MAX_TIMER_MS, delayMs));
}

/** `Retry-After` of a 429 or 503 in ms: delta-seconds or a future HTTP date; 0 for anything else. */
function parseRetryAfterMs(error: SseHttpError): number {
  if (error.status !== 429 && error.status !== 503) return 0;
  const value = error.headers.get('retry-after')?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const dateMs = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return dateMs > Date.now() ? dateMs - Date.now() : 0;
}
