import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { SseConnectionError, SseHttpError, SseNetworkError, SseStallError, SseStreamEndedError } from '../errors.js';

/** What {@link RetryBackoffConfig.shouldRetry} and `onRetry` receive. @public */
export interface RetryContext {
  /** The error the source failed with. */
  error: unknown;
  /** Which retry this would be: 1 for the first, reset to 0 after each value received. */
  attempt: number;
}

/** Options of {@link retryBackoff}. @public */
export interface RetryBackoffConfig {
  /** Delay before the first retry, in milliseconds. @default 1000 */
  initialDelayMs?: number;
  /** Upper bound of the computed delay (applied before jitter). @default 30000 */
  maxDelayMs?: number;
  /** Growth of the delay from one retry to the next. @default 2 */
  factor?: number;
  /** `true` for full jitter: a random delay between 0 and the computed one, so clients do not reconnect in step. @default true */
  jitter?: boolean;
  /** How many retries in a row (without a value in between) before the error goes through. @default Infinity */
  maxAttempts?: number;
  /**
   * Decides whether to retry: `true` or `false`, or `undefined` for the default rule, which retries
   * network errors, stalls, a stream the server ended, and HTTP 5xx, 408 and 429, but no other error.
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

const DEFAULTS = { initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2, jitter: true, maxAttempts: Infinity };

/**
 * Resubscribes to the source when it fails, waiting longer after each failure (exponential backoff
 * with full jitter). A value from the source counts as a successful open and resets the delay.
 *
 * When the error carries a server's advice it is followed: a `Retry-After` header (seconds or HTTP
 * date) on a 429 or 503 {@link SseHttpError} sets the delay exactly, without jitter; the `retryMs`
 * (the stream's last `retry:` field) of an {@link SseConnectionError} is the floor under the delay.
 * {@link fromSse} applies this operator itself when `reconnect` is on; use it directly for other
 * sources, or around a whole pipeline.
 *
 * @example
 * ```ts
 * import { fromSse, retryBackoff } from 'sse-rx-client';
 * fromSse('/completions', { method: 'POST', body: '{}', reconnect: false })
 *   .pipe(retryBackoff({ initialDelayMs: 500, maxAttempts: 3 }))
 *   .subscribe((e) => console.log(e.data));
 * // (a 503 with Retry-After: 2 is retried after exactly 2 s)
 * ```
 * @param config - delays, attempts and the retry rule, see {@link RetryBackoffConfig}.
 * @returns An operator that mirrors the source, retrying its failures.
 * @public
 */
export function retryBackoff<T>(config: RetryBackoffConfig = {}): MonoTypeOperatorFunction<T> {
  const options = { ...DEFAULTS, ...config };
  for (const key of ['initialDelayMs', 'maxDelayMs', 'maxAttempts'] as const) {
    if (!(options[key] >= 0))
      throw new TypeError(`retryBackoff: ${key} must be a number >= 0, got ${String(options[key])}`);
  }
  if (!(options.factor >= 1))
    throw new TypeError(`retryBackoff: factor must be >= 1 (2 doubles each delay), got ${String(options.factor)}`);
  return (source) =>
    new Observable<T>((subscriber) => {
      let attempt = 0;
      let current: Subscription | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const subscribe = (): void => {
        timer = undefined;
        current = source.subscribe({
          next: (value) => {
            attempt = 0;
            subscriber.next(value);
          },
          error: (error: unknown) => {
            attempt += 1;
            const context = { error, attempt };
            const retry = attempt <= options.maxAttempts && (options.shouldRetry?.(context) ?? isRetryable(error));
            if (!retry) {
              subscriber.error(error);
              return;
            }
            const delayMs = retryDelayMs(error, attempt, options);
            options.onRetry?.({ ...context, delayMs });
            timer = setTimeout(subscribe, delayMs);
          },
          complete: () => subscriber.complete(),
        });
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
  return error instanceof SseNetworkError || error instanceof SseStreamEndedError || error instanceof SseStallError;
}

function retryDelayMs(error: unknown, attempt: number, options: typeof DEFAULTS): number {
  const retryAfterMs = error instanceof SseHttpError ? parseRetryAfterMs(error) : undefined;
  if (retryAfterMs !== undefined) return retryAfterMs;
  const capped = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** (attempt - 1));
  const delayMs = options.jitter ? Math.random() * capped : capped;
  const floorMs = error instanceof SseConnectionError ? (error.retryMs ?? 0) : 0;
  return Math.round(Math.max(delayMs, floorMs));
}

/** `Retry-After` of a 429 or 503: delta-seconds or an HTTP date. */
function parseRetryAfterMs(error: SseHttpError): number | undefined {
  if (error.status !== 429 && error.status !== 503) return undefined;
  const value = error.headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
