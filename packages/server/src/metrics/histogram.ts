import type { HistogramSnapshot } from '../streamRegistryTypes.js';

/**
 * A cumulative histogram with fixed upper bounds: `observe` adds a value, `snapshot` copies the
 * counts (one more bucket for `+Inf`), their sum and count.
 */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  /** Adds one value. */
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
  }

  /** The buckets as of now. */
  snapshot(): HistogramSnapshot {
    return { bounds: this.bounds, counts: [...this.counts, this.count], sum: this.sum, count: this.count };
  }
}
