import { take } from 'rxjs';
import { SseResumableError } from '../errors.js';
import { MAX_TIMER_MS } from '../sinks/responseConfig.js';
import { createMemoryStore } from '../stores/createMemoryStore.js';
import type { EventStore } from '../stores/eventStore.js';
import type { FoundStream, ResumableStore } from './resumableStore.js';

/** One stream kept in memory, and the timer that drops it. */
interface Kept extends FoundStream {
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Options of {@link createMemoryResumableStore}.
 * @public
 */
export interface MemoryResumableStoreConfig {
  /**
   * The most streams kept at once, running or ended (until dropped `keepMs` after their end): a
   * start beyond it fails with an `SseResumableError` (`too-many-streams`, 503), so clients that
   * start streams in a loop cannot exhaust memory. Each stream holds up to its `maxEvents` events.
   * @default 1000
   */
  maxStreams?: number;
}

/**
 * A {@link ResumableStore} in this process's memory: each stream gets its own
 * `createMemoryStore` (keeping all of its events, up to the stream's `maxEvents` and the terminal
 * one), dropped `keepMs` after its end (or `ttlMs + keepMs` after its claim, if it never ends). Streams
 * are not shared between processes: behind a balancer, route a stream's requests to the instance
 * that started it, or use `createRedisResumableStore` from sse-rx-redis.
 *
 * @example
 * ```ts
 * import { createMemoryResumableStore, createResumableStreams } from 'sse-rx-server';
 * const streams = createResumableStreams({ store: createMemoryResumableStore({ maxStreams: 500 }) });
 * ```
 * @param config - how many streams to keep; see {@link MemoryResumableStoreConfig}.
 * @returns the store, to give to {@link createResumableStreams}.
 * @public
 */
export function createMemoryResumableStore(config: MemoryResumableStoreConfig = {}): ResumableStore {
  const { maxStreams = 1000 } = config;
  if (!(Number.isInteger(maxStreams) && maxStreams > 0))
    throw new TypeError(`maxStreams must be an integer from 1, got ${maxStreams}.`);
  const streams = new Map<string, Kept>();
  const dropAfter = (streamId: string, kept: Kept, ms: number): void => {
    clearTimeout(kept.timer);
    kept.timer = setTimeout(() => streams.delete(streamId), Math.min(ms, MAX_TIMER_MS));
    kept.timer.unref?.();
  };
  return {
    claim: (streamId, { ttlMs, keepMs, maxEvents }) => {
      if (streams.has(streamId)) return Promise.resolve(false);
      if (streams.size >= maxStreams) return Promise.reject(new SseResumableError('too-many-streams', streamId));
      // Room for two terminal events: the producer's own end and a cancel racing it.
      const events = createMemoryStore({ maxEvents: maxEvents + 2 });
      const deadline = Date.now() + ttlMs;
      const kept: Kept = { events, originId: originOf(events), endId: undefined, deadline, timer: undefined as never };
      streams.set(streamId, kept);
      dropAfter(streamId, kept, ttlMs + keepMs);
      return Promise.resolve(true);
    },
    find: (streamId) => Promise.resolve(streams.get(streamId)),
    finish: (streamId, endId, keepMs) => {
      const kept = streams.get(streamId);
      if (kept) {
        kept.endId = endId;
        dropAfter(streamId, kept, keepMs);
      }
      return Promise.resolve();
    },
  };
}

/**
 * The id before the first event of an empty store: by the store contract, the reset that answers a
 * malformed id carries an id that resumes from the first event. A memory store answers at once.
 */
function originOf(events: EventStore): string {
  let originId = '';
  events
    .stream('\0')
    .pipe(take(1))
    .subscribe((reset) => (originId = reset.id ?? ''));
  return originId;
}
