import { createMemoryResumableStore, type ResumableStore, type SseMessage } from '../src/index.js';

/**
 * A memory resumable store whose appends fail while `down(message)` says so, as a store failing
 * over would (`Error: the store is failing over`); `failures()` counts the failed appends.
 *
 * @example
 * ```ts
 * const { store, failures } = flakyStore((message) => message.event === 'end');
 * createResumableStreams({ store }); // every end fails to append
 * ```
 */
export function flakyStore(down: (message: SseMessage) => boolean): { store: ResumableStore; failures: () => number } {
  const memory = createMemoryResumableStore();
  let failed = 0;
  const store: ResumableStore = {
    claim: (streamId, limits) => memory.claim(streamId, limits),
    finish: (streamId, endId, keepMs) => memory.finish(streamId, endId, keepMs),
    find: async (streamId) => {
      const found = await memory.find(streamId);
      if (!found) return found;
      const { events } = found;
      return {
        ...found,
        events: {
          stream: (lastEventId) => events.stream(lastEventId),
          append: async (message) => {
            if (!down(message)) return events.append(message);
            failed++;
            throw new Error('the store is failing over');
          },
        },
      };
    },
  };
  return { store, failures: () => failed };
}
