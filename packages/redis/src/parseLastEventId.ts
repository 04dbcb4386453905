import { SseResumeError } from './errors.js';
import { normalizeStreamId } from './streamId.js';

/**
 * Checks a `Last-Event-ID` request header before any response is sent: resolves it to the
 * canonical stream id to resume after, or `undefined` when there is none to resume from.
 *
 * `hub.stream(lastEventId)` does the same check, but reports a bad id as the Observable's error,
 * when the event stream has usually begun; call this first to answer such a request with 400.
 * An empty id (the client's id was reset) counts as none.
 *
 * @example
 * ```ts
 * import { parseLastEventId } from 'sse-rx-redis';
 * parseLastEventId('0001700000000000-07'); // '1700000000000-7'
 * parseLastEventId(undefined); // undefined
 * parseLastEventId('42'); // throws SseResumeError { type: 'malformed-id', status: 400 }
 * ```
 * @param lastEventId - The header's value (`req.headers['last-event-id']`), if any.
 * @returns The stream id, leading zeros removed, or `undefined`.
 * @throws {@link SseResumeError} of type `malformed-id` when it is not a stream id `<ms>-<seq>`.
 * @public
 */
export function parseLastEventId(lastEventId: string | undefined): string | undefined {
  if (lastEventId === undefined || lastEventId === '') return undefined;
  const id = normalizeStreamId(lastEventId);
  if (id === undefined) throw new SseResumeError('malformed-id', lastEventId);
  return id;
}
