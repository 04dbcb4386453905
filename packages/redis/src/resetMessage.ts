import type { SseMessage } from 'sse-rx-codec';

/**
 * Why a `Last-Event-ID` cannot be served exactly: `trimmed` (events after it are gone, or more
 * than `maxReplay` follow it), `unknown` (the stream it came from is gone), `future` (newer than
 * anything in the stream), `malformed` (not a stream id). `epoch` is never given by Redis: its ids
 * are global.
 * @public
 */
export type ResetReason = 'trimmed' | 'unknown' | 'epoch' | 'future' | 'malformed';

/** The longest `lastEventId` echoed in a reset, in characters; a longer one is cut and ends with `…`. */
const MAX_ECHOED = 64;

/**
 * The `event: reset` message of the shared wire contract: data `{"reason":…,"lastEventId":…}`
 * (the id sent, cut to 64 characters then `…`), and `id` the stream's newest id, so the client's
 * next reconnect resumes from there.
 */
export function resetMessage(reason: ResetReason, lastEventId: string, newestId: string): SseMessage {
  const echoed = lastEventId.length > MAX_ECHOED ? `${lastEventId.slice(0, MAX_ECHOED)}…` : lastEventId;
  return { event: 'reset', data: JSON.stringify({ reason, lastEventId: echoed }), id: newestId };
}
