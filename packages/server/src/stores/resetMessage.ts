import type { SseMessage } from 'sse-rx-codec';
import type { ResetData, ResetReason } from './eventStore.js';

/** The most characters of a client's id that a reset message echoes. */
const MAX_ECHO = 64;

/**
 * The message a store sends first to a client whose `Last-Event-ID` it cannot serve exactly:
 * `event: reset`, data JSON {@link ResetData} (the client's id echoed, cut to 64 characters and
 * `…` so a huge header is not sent back), and the store's newest id as `id`, so that the client
 * resumes from there next time. Every store builds its reset with this, so the bytes match.
 *
 * @example
 * ```ts
 * import { resetMessage } from 'sse-rx-server';
 * resetMessage('future', '1f3k9q.1:99', '1f3k9q.1:7');
 * // { event: 'reset', data: '{"reason":"future","lastEventId":"1f3k9q.1:99"}', id: '1f3k9q.1:7' }
 * // on the wire: 'event: reset\nid: 1f3k9q.1:7\ndata: {"reason":"future","lastEventId":"1f3k9q.1:99"}\n\n'
 * ```
 * @param reason - why the id cannot be served; see {@link ResetReason}.
 * @param lastEventId - the id the client sent.
 * @param newestId - the store's newest id (the position a resume from it starts at).
 * @returns the reset message, to emit before the live events.
 * @public
 */
export function resetMessage(reason: ResetReason, lastEventId: string, newestId: string): SseMessage {
  const data: ResetData = { reason, lastEventId: echo(lastEventId) };
  return { event: 'reset', data: JSON.stringify(data), id: newestId };
}

/** `id` as the reset message echoes it: whole when short, else its first characters and `…` (never half a surrogate pair). */
function echo(id: string): string {
  if (id.length <= MAX_ECHO) return id;
  const code = id.charCodeAt(MAX_ECHO - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? MAX_ECHO - 1 : MAX_ECHO;
  return `${id.slice(0, cut)}…`;
}
