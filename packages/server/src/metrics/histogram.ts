import type { HistogramSnapshot, StreamRegistry } from '../streamRegistryTypes.js';

/** The histograms of a registry, by their name in `StreamMetrics`. */
export type HistogramKey = 'streamDurations' | 'replayedEvents' | 'storeLag';

/**
 * The upper bounds of each histogram's buckets: stream durations from 100 ms to 6 hours (seconds),
 * replayed events per resume, store lag from 5 ms to 30 s (seconds).
 */
export const BOUNDS: Readonly<Record<HistogramKey, readonly number[]>> = {
  streamDurations: [0.1, 1, 10, 60, 600, 3600, 21_600],
  replayedEvents: [0, 1, 10, 100, 1000, 10_000],
  storeLag: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
};

/**
 * A cumulative histogram with fixed upper bounds: `observe` adds a value, `snapshot` copies the
 * counts (one more bucket for `+Inf`), their sum and count.
 */
export class Histogram {
  private readonly listeners: Array<(value: number) => void> = [];
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  /** Adds one value, and hands it to the listeners if any. */
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
    if (this.listeners.length > 0) for (const listener of this.listeners) listener(value);
  }

  /** Calls `listener` with each value observed from now on, until the returned function is called. */
  listen(listener: (value: number) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The buckets as of now. */
  snapshot(): HistogramSnapshot {
    return { bounds: this.bounds, counts: [...this.counts, this.count], sum: this.sum, count: this.count };
  }
}

/** A registry's live histograms. */
export type RegistryHistograms = Readonly<Record<HistogramKey, Histogram>>;

/**
 * Where a registry keeps its live histograms, out of its public shape. A global symbol, so that
 * `sse-rx-server/otel` reaches them whichever build (ESM or CJS) made the registry.
 */
export const HISTOGRAMS = Symbol.for('sse-rx-server.histograms');

/** The live histograms of `registry` (made by `createStreamRegistry`). */
export const histogramsOf = (registry: StreamRegistry): RegistryHistograms =>
  (registry as StreamRegistry & { [HISTOGRAMS]: RegistryHistograms })[HISTOGRAMS];
