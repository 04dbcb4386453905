import type { EventStore } from '../stores/eventStore.js';

/**
 * Where {@link createResumableStreams} keeps its streams: one {@link EventStore} per stream id,
 * plus the little bookkeeping that makes a producer run once (`claim`) and lets any instance find
 * a stream (`find`) until it is dropped. `createMemoryResumableStore` keeps it in this process;
 * `createRedisResumableStore` from sse-rx-redis shares it between instances.
 *
 * @example
 * ```ts
 * import { createMemoryResumableStore, type ResumableStore } from 'sse-rx-server';
 * const store: ResumableStore = createMemoryResumableStore();
 * const limits = { ttlMs: 60_000, keepMs: 60_000, maxEvents: 100 };
 * await store.claim('a1', limits); // true
 * await store.claim('a1', limits); // false: already started
 * const found = await store.find('a1'); // { events, originId, deadline, endId: undefined }
 * ```
 * @public
 */
export interface ResumableStore {
  /**
   * Marks `streamId` as started, with its deadline `limits.ttlMs` from now: resolves `true` for the
   * first claim of an id (on any instance sharing the store), `false` after. A stream never
   * finished (its instance died) may be dropped `ttlMs + keepMs` after the claim. A store that is
   * full rejects with an error that has an HTTP `status` (e.g. 503), which the sinks answer with.
   */
  claim(streamId: string, limits: ResumableLimits): Promise<boolean>;
  /** The stream of a claimed id, or `undefined` for an id never claimed, or dropped since. */
  find(streamId: string): Promise<FoundStream | undefined>;
  /** Marks the stream ended, by the terminal event of id `endId`; it may be dropped `keepMs` later. */
  finish(streamId: string, endId: string, keepMs: number): Promise<void>;
}

/**
 * The bounds of one stream, given to {@link ResumableStore.claim}.
 * @example
 * ```ts
 * import type { ResumableLimits } from 'sse-rx-server';
 * const limits: ResumableLimits = { ttlMs: 600_000, keepMs: 300_000, maxEvents: 10_000 };
 * ```
 * @public
 */
export interface ResumableLimits {
  /** How long the producer may run, in milliseconds: its deadline. */
  ttlMs: number;
  /** How long an ended stream is kept, in milliseconds. */
  keepMs: number;
  /** The most events the producer may send (the terminal event comes on top). */
  maxEvents: number;
}

/**
 * A stream found by {@link ResumableStore.find}.
 * @example
 * ```ts
 * import type { FoundStream } from 'sse-rx-server';
 * const replayAll = (found: FoundStream) => found.events.stream(found.originId);
 * ```
 * @public
 */
export interface FoundStream {
  /** The stream's events, the terminal one last. */
  events: EventStore;
  /** The id to resume from to get the stream from its first event (e.g. `0-0` on Redis). */
  originId: string;
  /** The id of the terminal event once the stream ended, else `undefined`. */
  endId: string | undefined;
  /** When the producer must have ended (`Date.now()` of the claim + `ttlMs`): past it, without an end, its instance died. */
  deadline: number;
}
