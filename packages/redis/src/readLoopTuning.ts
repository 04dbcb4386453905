import type { RedisStoreConfig } from './createRedisStore.js';

/** The read loop's timings and page size, as a store's options give them. */
export type ReadLoopTuning = Required<Pick<RedisStoreConfig, 'blockMs' | 'replyGraceMs' | 'maxEntriesPerRead'>>;

/**
 * The read loop tuning of `options` with the defaults filled in (`blockMs` 5000, `replyGraceMs`
 * 2000, `maxEntriesPerRead` 500), each checked.
 * @example
 * ```ts
 * readLoopTuning({ blockMs: 500 }); // { blockMs: 500, replyGraceMs: 2000, maxEntriesPerRead: 500 }
 * readLoopTuning({ blockMs: 0 }); // TypeError: blockMs must be an integer >= 1, got 0.
 * ```
 * @throws TypeError for a value that is not an integer of at least 1.
 */
export function readLoopTuning(options: Partial<ReadLoopTuning>): ReadLoopTuning {
  const { blockMs = 5000, replyGraceMs = 2000, maxEntriesPerRead = 500 } = options;
  atLeast('blockMs', blockMs, 1);
  atLeast('replyGraceMs', replyGraceMs, 1);
  atLeast('maxEntriesPerRead', maxEntriesPerRead, 1);
  return { blockMs, replyGraceMs, maxEntriesPerRead };
}

/**
 * Checks that option `name` is an integer of at least `min` (or `Infinity`, where `infinite` allows it).
 * @example
 * ```ts
 * atLeast('maxReplay', -1, 0, true); // TypeError: maxReplay must be an integer >= 0 or Infinity, got -1.
 * ```
 * @throws TypeError naming the option, what it must be and what it was.
 */
export function atLeast(name: string, value: number, min: number, infinite = false): void {
  if (!(Number.isInteger(value) || (infinite && value === Infinity)) || value < min)
    throw new TypeError(`${name} must be an integer >= ${min}${infinite ? ' or Infinity' : ''}, got ${value}.`);
}
