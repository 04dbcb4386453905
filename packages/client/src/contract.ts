import type { SseEvent } from 'sse-rx-codec';
import type { SseServerErrorReport } from './errors.js';
import type { SseReset } from './types.js';

// The sse-rx wire contract, read on the client side (README, "The wire contract"). Each reader
// returns undefined for anything that is not exactly the contract's shape: other servers' events
// stay ordinary events.

/**
 * The fields `{ status?, code?, message, retryable? }` shared by the contract's error reports, from
 * `text` parsed as a JSON object with a string `message` (a `status` that is not a number or a
 * `code` that is not a string reads as undefined); undefined for anything else.
 */
function readReport(text: string): (Omit<SseServerErrorReport, 'retryable'> & { retryable: unknown }) | undefined {
  const data = jsonObject(text) as Partial<Record<keyof SseServerErrorReport, unknown>> | undefined;
  if (typeof data?.message !== 'string') return undefined;
  return {
    status: typeof data.status === 'number' ? data.status : undefined,
    code: typeof data.code === 'string' ? data.code : undefined,
    message: data.message,
    retryable: data.retryable,
  };
}

/** Parses `data` as a JSON object, or undefined. JSON that starts with `{` can only be an object. */
function jsonObject(data: string): object | undefined {
  try {
    return data.startsWith('{') ? (JSON.parse(data) as object) : undefined;
  } catch {
    return undefined;
  }
}

/** The report of an `event: error` with data `{ status?, code?, message, retryable }`, or undefined. */
export function readServerError(event: SseEvent): SseServerErrorReport | undefined {
  const report = event.type === 'error' ? readReport(event.data) : undefined;
  return typeof report?.retryable === 'boolean' ? (report as SseServerErrorReport) : undefined;
}

/**
 * The contract's JSON `{ status, code?, message }` of an error answered before the stream, when `body`
 * is one with `status` the response's own; else undefined.
 */
export function readHttpErrorBody(
  body: string,
  status: number,
): Pick<SseServerErrorReport, 'code' | 'message'> | undefined {
  const report = readReport(body);
  return report?.status === status ? report : undefined;
}

/** The reset of an `event: reset` with data `{ reason, lastEventId }`, or undefined. */
export function readReset(event: SseEvent): SseReset | undefined {
  const data = event.type === 'reset' ? jsonObject(event.data) : undefined;
  return isResetData(data) ? { reason: data.reason, lastEventId: data.lastEventId, id: event.lastEventId } : undefined;
}

/** Whether an event's data, parsed, is the contract's reset data `{ reason, lastEventId }`. */
export function isResetData(data: unknown): data is { reason: string; lastEventId: string } {
  const fields = data as { reason?: unknown; lastEventId?: unknown } | null | undefined;
  return typeof fields?.reason === 'string' && typeof fields.lastEventId === 'string';
}

const HEARTBEAT_ANNOUNCEMENT = /^sse-rx heartbeat-ms=(\d{1,10})$/;

/** The interval of the comment `sse-rx heartbeat-ms=<ms>` (wire: `: sse-rx heartbeat-ms=15000`), or undefined. */
export function readHeartbeatMs(comment: string): number | undefined {
  const match = HEARTBEAT_ANNOUNCEMENT.exec(comment);
  const ms = match ? Number(match[1]) : 0;
  return ms > 0 ? ms : undefined;
}
