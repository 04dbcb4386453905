import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/**
 * Where events are kept for replay and fanned out live: the one contract every store of sse-rx
 * implements (`createMemoryStore` here, `createRedisStore` in sse-rx-redis), so a route serves
 * any of them the same way, and `eventStoreContract` from `sse-rx-server/testing` checks a store
 * of your own (Postgres, NATS...) against it.
 *
 * Ids are opaque strings chosen by the store (any character but NUL, CR, LF). A `lastEventId` the
 * store cannot serve exactly (trimmed, unknown, from another epoch, from the future, malformed) is
 * answered with a reset first (see {@link ResetData}), never with a silent skip or an error.
 *
 * @example
 * ```ts
 * import { createMemoryStore, readLastEventId, sendEvents, type EventStore } from 'sse-rx-server';
 * const store: EventStore = createMemoryStore({ maxEvents: 1000 });
 * await store.append({ event: 'chat', data: '{"text":"hi"}' });
 * // '1f3k9q.1:1'
 * createServer((req, res) => sendEvents(req, res, store.stream(readLastEventId(req))));
 * ```
 * @public
 */
export interface EventStore {
  /** Encodes-checks the message (TypeError to the caller for one the codec refuses), stores it, gives its id. */
  append(message: SseMessage): Promise<string>;
  /** One client's messages: a reset first if `lastEventId` cannot be served exactly, else
   *  those after it; then live ones; no gap, no duplicate. No id: live only. */
  stream(lastEventId?: string | null): Observable<SseMessage>;
}

/**
 * Why a store could not serve a `Last-Event-ID` exactly:
 * `trimmed` (older than what the store still keeps), `unknown` (well formed but not one of this
 * store's ids), `epoch` (from another process or boot of an in-memory store), `future` (newer than
 * the newest id), `malformed` (not an id this store ever gives).
 * @public
 */
export type ResetReason = 'trimmed' | 'unknown' | 'epoch' | 'future' | 'malformed';

/**
 * The JSON `data` of the reset message a store sends first to a client it cannot resume exactly,
 * as `event: reset`, with `id:` the store's newest id (so the client's next resume starts there):
 * `event: reset\nid: 1f3k9q.1:7\ndata: {"reason":"epoch","lastEventId":"0a9z2m.1:4"}\n\n`.
 * The client should reload its state (fetch a snapshot), then take the live events that follow.
 * @public
 */
export interface ResetData {
  /** Why the id cannot be served exactly; see {@link ResetReason}. */
  reason: ResetReason;
  /** The id the client sent: whole up to 64 characters, else its first 64 and `…`. */
  lastEventId: string;
}
