import type { SseEvent } from 'sse-rx-codec';

/** Brand that carries an event's parsed data type beside its raw string data (type-level only). */
declare const parsedData: unique symbol;

/**
 * An event as it comes off the wire: `data` is still a string. `T` records what {@link parseJson}
 * will turn it into; it exists only in the types.
 * @example
 * ```ts
 * import type { RawSseEvent } from 'sse-rx-client';
 * const event: RawSseEvent<'tick', { n: number }> = { type: 'tick', data: '{"n":1}', lastEventId: '1' };
 * ```
 * @public
 */
export interface RawSseEvent<K extends string = string, T = unknown> extends SseEvent {
  readonly type: K;
  /** Never set: it only carries `T`, the type {@link parseJson} will give `data`. */
  readonly [parsedData]?: T;
}

/**
 * An event whose data was parsed (and possibly validated): the output of {@link parseJson}.
 * @example
 * ```ts
 * import type { ParsedSseEvent } from 'sse-rx-client';
 * const event: ParsedSseEvent<'tick', { n: number }> = { type: 'tick', data: { n: 1 }, lastEventId: '1' };
 * ```
 * @public
 */
export interface ParsedSseEvent<K extends string = string, T = unknown> {
  /** The event type (`message` for an event sent without `event:`). */
  readonly type: K;
  /** The parsed (and, after {@link validate}, validated) data. */
  readonly data: T;
  /** The last `id:` the stream carried up to this event (`''` before any). */
  readonly lastEventId: string;
}

/**
 * The events of a stream described by an event map: a union discriminated on `type`.
 *
 * The map names each event type and the data it carries once parsed, so
 * `SseEventOf<{ tick: { n: number }; chat: string }>` is
 * `RawSseEvent<'tick', { n: number }> | RawSseEvent<'chat', string>`.
 * @example
 * ```ts
 * import type { SseEventOf } from 'sse-rx-client';
 * type Events = SseEventOf<{ tick: { n: number }; chat: string }>;
 * const handle = (e: Events) => (e.type === 'tick' ? 'a tick' : 'a chat message');
 * ```
 * @public
 */
export type SseEventOf<EventMap> = {
  [K in keyof EventMap & string]: RawSseEvent<K, EventMap[K]>;
}[keyof EventMap & string];

/**
 * What {@link parseJson} makes of an event: the same type with `data` parsed.
 * @example
 * ```ts
 * import type { ParsedOf, RawSseEvent } from 'sse-rx-client';
 * type Tick = ParsedOf<RawSseEvent<'tick', { n: number }>>; // ParsedSseEvent<'tick', { n: number }>
 * ```
 * @public
 */
export type ParsedOf<E> = E extends RawSseEvent<infer K, infer T> ? ParsedSseEvent<K, T> : never;

/**
 * The request options {@link fromSse} accepts: a `RequestInit` without `signal`, since unsubscribing
 * is how a request is cancelled.
 * @example
 * ```ts
 * import type { SseInit } from 'sse-rx-client';
 * const init: SseInit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
 * ```
 * @public
 */
export type SseInit = Omit<RequestInit, 'signal'>;

/**
 * What the contract's `event: reset` says: the server could not resume from the id the client sent,
 * so events may be missing and the app should reload its state (a snapshot), then go on with the
 * live events that follow. Reported through `onReset` of {@link fromSse}.
 * @example
 * ```ts
 * import { fromSse, type SseReset } from 'sse-rx-client';
 * declare function reloadSnapshot(): void;
 * fromSse('https://example.com/events', { onReset: (reset: SseReset) => reloadSnapshot() }).subscribe();
 * // event: reset
 * // data: {"reason":"trimmed","lastEventId":"41"}
 * // id: 97
 * // -> { reason: 'trimmed', lastEventId: '41', id: '97' }
 * ```
 * @public
 */
export interface SseReset {
  /** Why the id could not be served: `trimmed`, `unknown`, `epoch`, `future` or `malformed` (other values may come). */
  readonly reason: string;
  /** The id the client sent (at most 64 characters, then `…`). */
  readonly lastEventId: string;
  /** The server's current newest id, from which the stream now goes on. */
  readonly id: string;
}

/**
 * A sign of life of a {@link fromSse} connection: any bytes, heartbeat comments included.
 * @example
 * ```ts
 * import type { SseActivity } from 'sse-rx-client';
 * const hung = (a: SseActivity, nowMs: number) => a.heartbeatMs !== undefined && nowMs - a.atMs > 2.5 * a.heartbeatMs;
 * ```
 * @public
 */
export interface SseActivity {
  /** When the bytes arrived (`Date.now()`). */
  readonly atMs: number;
  /** The heartbeat interval the server announced on this connection, if it did. */
  readonly heartbeatMs: number | undefined;
}
