import type { SseMessage } from 'sse-rx-codec';

/**
 * A marker message: emitted by a source, it tells `sendEvents` and `toResponse` to send the
 * response head (status and headers) now. Nothing is written for it.
 *
 * The sinks hold the head until the first message that is more than a comment or a `retry:`
 * hint, so that an error raised before it (an auth check that awaits, say) can still become a
 * real HTTP status. A stream that may stay silent for long, but whose checks are done, emits
 * `STREAM_READY` so its client sees the stream open at once instead of after `headTimeoutMs`.
 * It is recognised by identity: emit this object itself. Other consumers (`toReadableStream`,
 * `encode`) see an ordinary comment, `: sse-rx ready`.
 *
 * @example
 * ```ts
 * import { from, startWith, switchMap } from 'rxjs';
 * import { sendEvents, STREAM_READY } from 'sse-rx-server';
 * // checkAccess(req) rejects with { status: 403 }: the client gets a real 403.
 * const orders = from(checkAccess(req)).pipe(switchMap(() => orders$.pipe(startWith(STREAM_READY))));
 * sendEvents(req, res, orders); // on access, the head goes out at once, before any order
 * ```
 * @public
 */
export const STREAM_READY: SseMessage = Object.freeze({ comment: 'sse-rx ready' });
