import { take } from 'rxjs';
import { createMemoryStore } from '../stores/createMemoryStore.js';
import type { EventStore } from '../stores/eventStore.js';
import type { FoundStream, ResumableStore } from './resumableStore.js';

/** One stream kept in memory, and the timer that drops it. */
interface Kept extends FoundStream {
  timer: ReturnType<typeof setTimeout>;
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
 * const streams = createResumableStreams({ store: createMemoryResumableStore() });
 * ```
 * @returns the store, to give to {@link createResumableStreams}.
 * @public
 */
export function createMemoryResumableStore(): ResumableStore {
  const streams = new Map<string, Kept>();
  const dropAfter = (streamId: string, kept: Kept, ms: number): void => {
    clearTimeout(kept.timer);
    kept.timer = setTimeout(() => streams.delete(streamId), Math.min(ms, 2 ** 31 - 1));
    kept.timer.unref?.();
  };
  return {
    claim: (streamId, { ttlMs, keepMs, maxEvents }) => {
      if (streams.has(streamId)) return Promise.resolve(false);
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
