import { defer, Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  retryBackoff,
  SseHttpError,
  SseNetworkError,
  SseServerError,
  SseStreamEndedError,
  type RetryBackoffConfig,
  type RetryContext,
} from '../src/index.js';

const noState = { lastEventId: '', retryMs: undefined };
const networkError = () => new SseNetworkError('down', noState);
const serverError = (retryable: boolean) => new SseServerError({ message: 'boom', retryable }, noState);
const httpError = (status: number, headers: Record<string, string> = {}) =>
  new SseHttpError(`HTTP ${status}`, new Response(null, { status, headers }), '', noState);

/** Subscribes to a source failing with `errors` in turn (then succeeding), through retryBackoff; records when each attempt starts. */
function run(errors: unknown[], config: RetryBackoffConfig, values: (attempt: number) => number[] = () => []) {
  const starts: number[] = [];
  const received: number[] = [];
  let failure: unknown;
  let completed = false;
  const source = defer(() => {
    const attempt = starts.push(Date.now()) - 1;
    const error = errors[attempt];
    return new Observable<number>((subscriber) => {
      for (const value of values(attempt)) subscriber.next(value);
      if (error === undefined) subscriber.complete();
      else subscriber.error(error);
    });
  });
  const subscription = source.pipe(retryBackoff(config)).subscribe({
    next: (value) => received.push(value),
    error: (error: unknown) => (failure = error),
    complete: () => (completed = true),
  });
  const delays = () => starts.slice(1).map((start, i) => start - (starts[i] ?? 0));
  return { starts, received, delays, subscription, failure: () => failure, completed: () => completed };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('retryBackoff', () => {
  it('doubles the delay from initialDelayMs up to maxDelayMs', () => {
    const result = run(Array.from({ length: 6 }, networkError), {
      initialDelayMs: 100,
      maxDelayMs: 1000,
      jitter: false,
    });
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(result.completed()).toBe(true);
  });

  it('uses 1 s, 2 s, 4 s by default (before jitter)', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const result = run([networkError(), networkError(), networkError()], {});
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([1000, 2000, 4000]);
  });

  it('adds a random 0-50 % of the computed delay as jitter', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValueOnce(0.5).mockReturnValueOnce(0.25);
    const result = run([networkError(), networkError(), networkError()], { initialDelayMs: 1000 });
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([1000, 2500, 4500]);
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('keeps every jittered delay between the computed delay and 1.5 times it', () => {
    const delays = Array.from({ length: 200 }, () => {
      const result = run([networkError(), networkError()], { initialDelayMs: 1000 });
      vi.advanceTimersByTime(10_000);
      return result.delays();
    });
    for (const [first, second] of delays) {
      expect(first).toBeGreaterThanOrEqual(1000);
      expect(first).toBeLessThanOrEqual(1500);
      expect(second).toBeGreaterThanOrEqual(2000);
      expect(second).toBeLessThanOrEqual(3000);
    }
    expect(new Set(delays.map(([first]) => first)).size).toBeGreaterThan(50);
  });

  it('keeps backing off from a source that emits a value and fails at once', () => {
    const result = run(
      [networkError(), networkError(), networkError()],
      { initialDelayMs: 100, jitter: false },
      (attempt) => (attempt === 2 ? [1] : []),
    );
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([100, 200, 400]);
    expect(result.received).toEqual([1]);
  });

  it('starts again from initialDelayMs after a healthy subscription: a value, and healthyAfterMs up', () => {
    const attempts: Subject<number>[] = [];
    const starts: number[] = [];
    defer(() => {
      starts.push(Date.now());
      return attempts[attempts.push(new Subject<number>()) - 1]!;
    })
      .pipe(retryBackoff({ initialDelayMs: 100, jitter: false, healthyAfterMs: 1000 }))
      .subscribe();
    attempts[0]?.error(networkError()); // retry 1: 100 ms
    vi.advanceTimersByTime(100);
    attempts[1]?.next(1);
    attempts[1]?.error(networkError()); // a value, but not healthy: retry 2, 200 ms
    vi.advanceTimersByTime(200);
    attempts[2]?.next(1);
    vi.advanceTimersByTime(1000);
    attempts[2]?.error(networkError()); // healthy: retry 1 again, 100 ms
    vi.advanceTimersByTime(100);
    expect(starts).toEqual([0, 100, 300, 1400]);
  });

  it('ignores Retry-After values that are negative, past or not a number, and caps long ones at maxRetryAfterMs', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const retryAfter = (value: string) => httpError(503, { 'retry-after': value });
    const result = run([retryAfter('-5'), retryAfter(new Date(-60_000).toUTCString()), retryAfter('soon')], {
      initialDelayMs: 100,
    });
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([100, 200, 400]);
    const capped = run([retryAfter('9999999999'), retryAfter('Fri, 01 Jan 2100 00:00:00 GMT')], {
      maxRetryAfterMs: 5000,
    });
    vi.advanceTimersByTime(20_000);
    expect(capped.delays()).toEqual([5000, 5000]);
  });

  it("caps the server's retry: value at maxDelayMs and every delay at 2^31-1 ms", () => {
    const huge = new SseStreamEndedError('ended', { lastEventId: '', retryMs: 99_999_999_999 });
    const onRetry = vi.fn();
    run([huge], { initialDelayMs: 100, jitter: false, onRetry });
    expect(onRetry).toHaveBeenLastCalledWith(expect.objectContaining({ delayMs: 30_000 }));
    run([networkError()], { initialDelayMs: 1e12, maxDelayMs: 1e12, onRetry });
    expect(onRetry).toHaveBeenLastCalledWith(expect.objectContaining({ delayMs: 2 ** 31 - 1 }));
  });

  it('schedules nothing when unsubscribed from inside shouldRetry or onRetry', () => {
    for (const callback of ['shouldRetry', 'onRetry'] as const) {
      const attempts: Subject<number>[] = [];
      const subscription = defer(() => attempts[attempts.push(new Subject<number>()) - 1]!)
        .pipe(
          retryBackoff({
            initialDelayMs: 100,
            [callback]: () => {
              subscription.unsubscribe();
              return true;
            },
          }),
        )
        .subscribe();
      attempts[0]?.error(networkError());
      expect(vi.getTimerCount(), callback).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(attempts, callback).toHaveLength(1);
    }
  });

  it('waits at least Retry-After in seconds on a 429', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const result = run([httpError(429, { 'retry-after': '3' })], { initialDelayMs: 100 });
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([3000]);
  });

  it('waits at least Retry-After as an HTTP date on a 503', () => {
    const result = run([httpError(503, { 'retry-after': new Date(5000).toUTCString() })], {
      initialDelayMs: 100,
      jitter: false,
    });
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([5000]);
  });

  it("never waits less than the server's retry: value carried by the error", () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const error = new SseStreamEndedError('ended', { lastEventId: '3', retryMs: 700 });
    const result = run([error, error], { initialDelayMs: 100 });
    vi.advanceTimersByTime(10_000);
    expect(result.delays()).toEqual([700, 700]);
  });

  it('retries network errors, 5xx, 408, 429 and retryable server errors but not other 4xx by default', () => {
    for (const error of [...[500, 502, 408, 429].map((status) => httpError(status)), serverError(true)]) {
      const result = run([error], { initialDelayMs: 1 });
      vi.advanceTimersByTime(10);
      expect(result.completed(), error.message).toBe(true);
    }
    for (const error of [httpError(401), httpError(404), new TypeError('bug'), serverError(false)]) {
      const result = run([error], { initialDelayMs: 1 });
      vi.advanceTimersByTime(10);
      expect(result.failure()).toBe(error);
      expect(result.starts).toHaveLength(1);
    }
  });

  it('lets shouldRetry decide, falling back to the default rule on undefined', () => {
    const shouldRetry = vi.fn(({ error }: RetryContext) =>
      error instanceof SseHttpError && error.status === 401 ? true : undefined,
    );
    const result = run([httpError(401), networkError(), httpError(404)], { initialDelayMs: 1, shouldRetry });
    vi.advanceTimersByTime(100);
    expect(result.starts).toHaveLength(3);
    expect(result.failure()).toBeInstanceOf(SseHttpError);
    expect(shouldRetry.mock.calls.map(([context]) => context.attempt)).toEqual([1, 2, 3]);
  });

  it('gives up after maxAttempts retries in a row with the last error', () => {
    const errors = [networkError(), networkError(), networkError()];
    const result = run(errors, { initialDelayMs: 1, maxAttempts: 2 });
    vi.advanceTimersByTime(100);
    expect(result.starts).toHaveLength(3);
    expect(result.failure()).toBe(errors[2]);
  });

  it('reports each scheduled retry to onRetry', () => {
    const onRetry = vi.fn();
    run([networkError()], { initialDelayMs: 250, jitter: false, onRetry });
    expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, delayMs: 250 }));
  });

  it('cancels a pending retry on unsubscribe', () => {
    const result = run([networkError()], { initialDelayMs: 100 });
    result.subscription.unsubscribe();
    vi.advanceTimersByTime(1000);
    expect(result.starts).toHaveLength(1);
  });

  it('retries at once when retryNow emits during a delay, keeps counting attempts, and ignores it otherwise', () => {
    const now = new Subject<void>();
    const attempts: number[] = [];
    const result = run([networkError(), networkError(), networkError()], {
      initialDelayMs: 60_000,
      jitter: false,
      retryNow: now,
      onRetry: ({ attempt }) => attempts.push(attempt),
    });
    vi.advanceTimersByTime(1000);
    now.next(); // cuts the first 60 s wait short
    expect(result.starts).toEqual([0, 1000]);
    now.next(); // and the second (120 s), at once
    vi.advanceTimersByTime(500);
    now.next(); // and the third (240 s)
    expect(result.starts).toEqual([0, 1000, 1000, 1500]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(result.completed()).toBe(true);
    now.next(); // nothing is waiting: ignored
    expect(result.starts).toHaveLength(4);
    expect(now.observed).toBe(false);
  });

  it('ignores retryNow while the source is running, and leaves no timer behind when cut short', () => {
    const now = new Subject<void>();
    const attempts: Subject<number>[] = [];
    defer(() => attempts[attempts.push(new Subject<number>()) - 1]!)
      .pipe(retryBackoff({ initialDelayMs: 60_000, retryNow: now }))
      .subscribe();
    now.next();
    expect(attempts).toHaveLength(1);
    attempts[0]?.error(networkError());
    expect(vi.getTimerCount()).toBe(1);
    now.next();
    expect(attempts).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses settings that make no sense with a TypeError naming the option', () => {
    expect(() => retryBackoff({ initialDelayMs: -1 })).toThrow(/initialDelayMs/);
    expect(() => retryBackoff({ maxAttempts: Number.NaN })).toThrow(/maxAttempts/);
    expect(() => retryBackoff({ factor: 0.5 })).toThrow(/factor must be >= 1/);
  });

  it('passes values and completion through untouched', () => {
    const values: number[] = [];
    of(1, 2)
      .pipe(retryBackoff())
      .subscribe((v) => values.push(v));
    expect(values).toEqual([1, 2]);
    const errors: unknown[] = [];
    throwError(() => httpError(400))
      .pipe(retryBackoff())
      .subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors).toHaveLength(1);
  });
});
