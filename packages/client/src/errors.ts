import { SseError } from 'sse-rx-codec';
import { readHttpErrorBody } from './contract.js';
import type { StandardSchemaV1 } from './standardSchema.js';

// Fields set in a constructor are `declare`d: a plain declaration is emitted as a class field too
// (ES2022), bytes in every bundle for a field the constructor assigns anyway.

/** Where a connection of {@link fromSse} stood when it failed: what a reconnect resumes from. @public */
export interface SseResumeState {
  /** The last event id received (`''` when none): sent as `Last-Event-ID` on the next attempt. */
  lastEventId: string;
  /** The server's last `retry:` value in milliseconds, if it sent one: the floor under the backoff delay. */
  retryMs: number | undefined;
}

/**
 * The base of the errors a connection of {@link fromSse} fails with. Each carries the resume state of
 * its subscription, so {@link retryBackoff} can honour the server's `retry:` value.
 *
 * @example
 * ```ts
 * import { fromSse, SseConnectionError } from 'sse-rx-client';
 * fromSse('/events', { reconnect: { maxAttempts: 5 } }).subscribe({
 *   error: (e) => e instanceof SseConnectionError && console.log(e.name, e.lastEventId, e.retryMs),
 * });
 * // SseNetworkError 41 3000
 * ```
 * @public
 */
export class SseConnectionError extends SseError {
  /** Always `'SseConnectionError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseConnectionError';
  /** The last event id received before the failure (`''` when none). */
  declare readonly lastEventId: string;
  /** The server's last `retry:` value in milliseconds, if any. */
  declare readonly retryMs: number | undefined;

  constructor(message: string, state: SseResumeState, options?: { cause?: unknown }) {
    super(message, options);
    this.lastEventId = state.lastEventId;
    this.retryMs = state.retryMs;
  }
}

/**
 * The server answered with a status other than 2xx, or a content type other than `text/event-stream`.
 * Retried by default for 5xx, 408 and 429; a 4xx such as 401 means: fix the request first.
 *
 * @example
 * ```ts
 * import { fromSse, isSseHttpError } from 'sse-rx-client';
 * fromSse('/events', { reconnect: false }).subscribe({
 *   error: (e) => isSseHttpError(e) && console.log(e.status, e.code, e.serverMessage, e.bodySnippet),
 * });
 * // 401 TOKEN_EXPIRED Log in again {"status":401,"code":"TOKEN_EXPIRED","message":"Log in again"}
 * ```
 * @public
 */
export class SseHttpError extends SseConnectionError {
  /** Always `'SseHttpError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseHttpError';
  /** The HTTP status code. */
  declare readonly status: number;
  /** The response headers (e.g. `retry-after`, `content-type`). */
  declare readonly headers: Headers;
  /** The first 512 characters of the response body, to show what the server said. */
  declare readonly bodySnippet: string;
  /** The response itself, its body already read or cancelled. */
  declare readonly response: Response;
  /**
   * The `code` of a contract JSON body (`{"status","code"?,"message"}`, as sse-rx-server answers
   * an error before the stream), if the body is one and has a code.
   */
  declare readonly code: string | undefined;
  /**
   * The `message` of a contract JSON body, text the server meant to be shown (for a 401 or 403,
   * say), if the body is one; `message` stays this library's description of the failure.
   */
  declare readonly serverMessage: string | undefined;

  constructor(message: string, response: Response, bodySnippet: string, state: SseResumeState) {
    super(message, state);
    this.status = response.status;
    this.headers = response.headers;
    this.bodySnippet = bodySnippet;
    this.response = response;
    const body = readHttpErrorBody(bodySnippet, response.status);
    this.code = body?.code;
    this.serverMessage = body?.message;
  }
}

/**
 * The request failed or the connection broke while reading; `cause` holds the original error.
 * Retried by default.
 * @example
 * ```ts
 * import { isSseNetworkError } from 'sse-rx-client';
 * // in an error handler: if (isSseNetworkError(e)) console.log(e.message, e.cause);
 * // Request to http://127.0.0.1:9/ failed TypeError: fetch failed
 * ```
 * @public
 */
export class SseNetworkError extends SseConnectionError {
  /** Always `'SseNetworkError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseNetworkError';
}

/**
 * The server ended the stream normally. The spec says a client then reconnects, so {@link fromSse}
 * raises this internally and retries it by default; you only see it when retries give up.
 * @example
 * ```ts
 * import { fromSse } from 'sse-rx-client';
 * fromSse('/events', { reconnect: { maxAttempts: 0 } }).subscribe({ error: (e) => console.log(e.name) });
 * // SseStreamEndedError (once the server closes the stream)
 * ```
 * @public
 */
export class SseStreamEndedError extends SseConnectionError {
  /** Always `'SseStreamEndedError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseStreamEndedError';
}

/**
 * No byte (heartbeat comments included) arrived for `stallTimeoutMs` (or about 2.5 announced
 * heartbeat intervals), or no response head within `connectTimeoutMs`: the connection was aborted.
 * Retried by default.
 * @example
 * ```ts
 * import { fromSse } from 'sse-rx-client';
 * fromSse('/events', { stallTimeoutMs: 45_000 }); // server heartbeat every 15 s
 * // a silent connection is aborted after 45 s and reconnected
 * ```
 * @public
 */
export class SseStallError extends SseConnectionError {
  /** Always `'SseStallError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseStallError';
}

/**
 * The server reported an error after the stream started, in the wire contract's shape: an
 * `event: error` whose data is a JSON object with a string `message` and a boolean `retryable`
 * (`status` and `code` optional). `retryable: false` ends the Observable with it; `true` is retried
 * with backoff by default. Any other `event: error` is an ordinary event, and `serverErrors: false`
 * turns this recognition off.
 * @example
 * ```ts
 * import { fromSse, isSseServerError } from 'sse-rx-client';
 * fromSse('https://example.com/events').subscribe({
 *   error: (e) => isSseServerError(e) && console.log(e.status, e.code, e.message, e.retryable),
 * });
 * // event: error
 * // data: {"status":403,"code":"forbidden","message":"Not your room","retryable":false}
 * // -> 403 forbidden Not your room false
 * ```
 * @public
 */
export class SseServerError extends SseConnectionError {
  /** Always `'SseServerError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseServerError';
  /** The HTTP-like status the server gave the error, if any. */
  declare readonly status: number | undefined;
  /** The server's machine-readable error code, if any. */
  declare readonly code: string | undefined;
  /** Whether the server says a new request may succeed. */
  declare readonly retryable: boolean;

  constructor(report: SseServerErrorReport, state: SseResumeState) {
    super(report.message, state);
    this.status = report.status;
    this.code = report.code;
    this.retryable = report.retryable;
  }
}

/** The data of the contract's `event: error`, as {@link SseServerError} reads it. @public */
export interface SseServerErrorReport {
  /** An HTTP-like status (`500`, `403`...), if the server gave one. */
  status?: number | undefined;
  /** A machine-readable code, if the server gave one. */
  code?: string | undefined;
  /** What went wrong, safe to show. */
  message: string;
  /** Whether a new request may succeed. */
  retryable: boolean;
}

/**
 * An event's data was not valid JSON, from {@link parseJson}; `cause` holds the `SyntaxError`.
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { isSseParseError, parseJson } from 'sse-rx-client';
 * of({ type: 'tick', data: '{not json', lastEventId: '' })
 *   .pipe(parseJson())
 *   .subscribe({ error: (e) => isSseParseError(e) && console.log(e.eventType, e.data) });
 * // tick {not json
 * ```
 * @public
 */
export class SseParseError extends SseError {
  /** Always `'SseParseError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseParseError';
  /** The raw data that failed to parse. */
  declare readonly data: string;
  /** The type of the event that carried it. */
  declare readonly eventType: string;

  constructor(message: string, data: string, eventType: string, options?: { cause?: unknown }) {
    super(message, options);
    this.data = data;
    this.eventType = eventType;
  }
}

/**
 * An event's data did not match the schema given to {@link validate}; `issues` says why.
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { z } from 'zod';
 * import { isSseValidationError, validate } from 'sse-rx-client';
 * of({ type: 'tick', data: { n: 'x' }, lastEventId: '' })
 *   .pipe(validate(z.object({ n: z.number() })))
 *   .subscribe({ error: (e) => isSseValidationError(e) && console.log(e.issues[0]?.path) });
 * // [ 'n' ]
 * ```
 * @public
 */
export class SseValidationError extends SseError {
  /** Always `'SseValidationError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseValidationError';
  /** The data that failed validation. */
  declare readonly data: unknown;
  /** The type of the event that carried it. */
  declare readonly eventType: string;
  /** The schema's issues. */
  declare readonly issues: ReadonlyArray<StandardSchemaV1.Issue>;

  constructor(message: string, data: unknown, eventType: string, issues: ReadonlyArray<StandardSchemaV1.Issue>) {
    super(message);
    this.data = data;
    this.eventType = eventType;
    this.issues = issues;
  }
}

function hasName(value: unknown, name: string): boolean {
  return value instanceof Error && value.name === name;
}

/**
 * True when `value` is an {@link SseHttpError}, also across realms and package copies.
 * @example
 * ```ts
 * import { isSseHttpError, SseHttpError } from 'sse-rx-client';
 * isSseHttpError(new SseHttpError('HTTP 500', new Response(null, { status: 500 }), '', { lastEventId: '', retryMs: undefined })); // true
 * ```
 * @param value - anything caught.
 * @returns Whether it is an SseHttpError.
 * @public
 */
export function isSseHttpError(value: unknown): value is SseHttpError {
  return value instanceof SseHttpError || hasName(value, 'SseHttpError');
}

/**
 * True when `value` is an {@link SseNetworkError}, also across realms and package copies.
 * @example
 * ```ts
 * import { isSseNetworkError } from 'sse-rx-client';
 * isSseNetworkError(new Error('x')); // false
 * ```
 * @param value - anything caught.
 * @returns Whether it is an SseNetworkError.
 * @public
 */
export function isSseNetworkError(value: unknown): value is SseNetworkError {
  return value instanceof SseNetworkError || hasName(value, 'SseNetworkError');
}

/**
 * True when `value` is an {@link SseParseError}, also across realms and package copies.
 * @example
 * ```ts
 * import { isSseParseError } from 'sse-rx-client';
 * isSseParseError(new Error('x')); // false
 * ```
 * @param value - anything caught.
 * @returns Whether it is an SseParseError.
 * @public
 */
export function isSseParseError(value: unknown): value is SseParseError {
  return value instanceof SseParseError || hasName(value, 'SseParseError');
}

/**
 * True when `value` is an {@link SseServerError}, also across realms and package copies.
 * @example
 * ```ts
 * import { isSseServerError } from 'sse-rx-client';
 * isSseServerError(new Error('x')); // false
 * ```
 * @param value - anything caught.
 * @returns Whether it is an SseServerError.
 * @public
 */
export function isSseServerError(value: unknown): value is SseServerError {
  return value instanceof SseServerError || hasName(value, 'SseServerError');
}

/**
 * True when `value` is an {@link SseValidationError}, also across realms and package copies.
 * @example
 * ```ts
 * import { isSseValidationError } from 'sse-rx-client';
 * isSseValidationError(new Error('x')); // false
 * ```
 * @param value - anything caught.
 * @returns Whether it is an SseValidationError.
 * @public
 */
export function isSseValidationError(value: unknown): value is SseValidationError {
  return value instanceof SseValidationError || hasName(value, 'SseValidationError');
}
