import { SseError } from 'sse-rx-codec';

/**
 * Why a `Last-Event-ID` could not be resumed: `malformed-id` (not a Redis stream id of the form
 * `<ms>-<seq>`) or `trimmed` (events after it were already trimmed away from the stream).
 * @public
 */
export type SseResumeErrorType = 'malformed-id' | 'trimmed';

/**
 * A `Last-Event-ID` that cannot be resumed from a Redis Stream.
 *
 * A `malformed-id` error is the error of the Observable returned by `hub.stream(lastEventId)`:
 * answer the request with `status` (400) instead of an event stream. A `trimmed` error is never
 * thrown: it is handed to the hub's `onTrimmed` callback while the client gets a `reset` event,
 * and `status` (410) is a hint for apps that prefer to refuse such clients.
 *
 * @example
 * ```ts
 * import { parseLastEventId, SseResumeError } from 'sse-rx-redis';
 * try {
 *   parseLastEventId('yesterday');
 * } catch (e) {
 *   if (e instanceof SseResumeError) console.log(e.type, e.status);
 * }
 * // malformed-id 400
 * ```
 * @public
 */
export class SseResumeError extends SseError {
  override name = 'SseResumeError';
  /** What kind of problem this is. */
  readonly type: SseResumeErrorType;
  /** The HTTP status that fits: 400 for a malformed id, 410 (Gone) for trimmed history. */
  readonly status: 400 | 410;
  /** The `Last-Event-ID` the client sent, cut to 256 characters. */
  readonly lastEventId: string;
  /** For `trimmed`: the oldest id still in the stream, or `undefined` when the stream is empty. */
  readonly firstId: string | undefined;

  constructor(type: SseResumeErrorType, lastEventId: string, firstId?: string) {
    const shown = lastEventId.slice(0, 256);
    super(
      type === 'malformed-id'
        ? `Last-Event-ID ${JSON.stringify(shown)} is not a Redis stream id like "1700000000000-0": answer 400.`
        : `Events after Last-Event-ID ${shown} were trimmed from the stream (oldest kept: ${firstId ?? 'none'}): send the client a snapshot.`,
    );
    this.type = type;
    this.status = type === 'malformed-id' ? 400 : 410;
    this.lastEventId = shown;
    this.firstId = firstId;
  }
}
