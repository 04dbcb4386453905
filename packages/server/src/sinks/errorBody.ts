import { httpStatusOf } from './httpStatusOf.js';

/**
 * The fields of the error contract, what `mapError` returns. Each one left out (or `undefined`)
 * takes its default, computed from the error; a field of the wrong type makes the whole answer
 * the default one.
 *
 * @example
 * ```ts
 * import { sendEvents, type SseErrorInfo } from 'sse-rx-server';
 * const mapError = (error: unknown): SseErrorInfo | undefined =>
 *   error instanceof UpstreamError ? { status: 503, code: 'UPSTREAM_DOWN' } : undefined;
 * sendEvents(req, res, prices$, { mapError });
 * // before the stream started: 503 with {"status":503,"code":"UPSTREAM_DOWN","message":"Service unavailable"}
 * // after: event: error, data {"status":503,"code":"UPSTREAM_DOWN","message":"Service unavailable","retryable":true}
 * ```
 * @public
 */
export interface SseErrorInfo {
  /**
   * An HTTP status from 400 to 599: the response status before the stream started, a field of
   * the `event: error` data after.
   * @default the error's own numeric `status` (400 to 599), else 500
   */
  status?: number;
  /**
   * A machine-readable reason the client can branch on, such as `'TOKEN_EXPIRED'`.
   * @default the error's own string `code` when it also carries a `status`, else none
   */
  code?: string;
  /**
   * Text safe to show to the client.
   * @default the error's own `message` when it has `expose: true` (as `http-errors` sets on 4xx
   *   errors), else a generic text for the status: `'Unauthorized'`, `'Internal error'`, ...
   */
  message?: string;
  /**
   * Whether the client should reconnect (sent only after the stream started; before it, the
   * status says it).
   * @default false for a 4xx status other than 408 and 429, else true
   */
  retryable?: boolean;
  /**
   * How long the client should wait before its next request, sent as `Retry-After` (whole
   * seconds, rounded up) on an answer with status 429 or 503 before the stream started; not
   * part of an `event: error`. A value that is not from 0 to 2^31 - 1 sends no header.
   * @default the error's own numeric `retryAfterMs`, else none
   */
  retryAfterMs?: number;
}

/** The error contract's fields, all settled, and the wait hint for `Retry-After`. */
export interface SettledError {
  status: number;
  code?: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content too large',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/**
 * Settles what the client is told about `error`: `mapError`'s fields over the defaults. Never
 * throws: a throwing `mapError`, or one that returns anything but an object of well-typed
 * fields (a BigInt, a circular `code`, a string), gives the default answer.
 */
export function errorBody(error: unknown, mapError?: (error: unknown) => SseErrorInfo | undefined): SettledError {
  const own = error as
    | { code?: unknown; expose?: unknown; message?: unknown; retryAfterMs?: unknown }
    | null
    | undefined;
  const ownStatus = httpStatusOf(error);
  let ownCode: string | undefined;
  let ownMessage: string | undefined;
  let ownRetryAfterMs: number | undefined;
  try {
    ownCode = ownStatus !== undefined && typeof own?.code === 'string' ? own.code : undefined;
    ownMessage = own?.expose === true && typeof own.message === 'string' ? own.message : undefined;
    ownRetryAfterMs = typeof own?.retryAfterMs === 'number' ? own.retryAfterMs : undefined;
  } catch {
    // A getter that throws: keep the generic fields.
  }
  const settle = (info: SseErrorInfo): SettledError => {
    const status = info.status ?? ownStatus ?? 500;
    const code = info.code ?? ownCode;
    const message =
      info.message ?? ownMessage ?? REASONS[status] ?? (status < 500 ? 'Request refused' : 'Internal error');
    const retryable = info.retryable ?? !(status < 500 && status !== 408 && status !== 429);
    const retryAfterMs = info.retryAfterMs ?? ownRetryAfterMs;
    return {
      status,
      ...(code !== undefined && { code }),
      message,
      retryable,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  };
  if (!mapError) return settle({});
  try {
    const mapped = mapError(error);
    if (typeof mapped !== 'object' || mapped === null) return settle({});
    const { status, code, message, retryable, retryAfterMs } = mapped;
    const valid =
      (status === undefined || httpStatusOf({ status }) !== undefined) &&
      (code === undefined || typeof code === 'string') &&
      (message === undefined || typeof message === 'string') &&
      (retryable === undefined || typeof retryable === 'boolean') &&
      (retryAfterMs === undefined || typeof retryAfterMs === 'number');
    return settle(valid ? { status, code, message, retryable, retryAfterMs } : {});
  } catch {
    return settle({});
  }
}
