/** What one client saw of the numbered ticks, counted honestly from their numbers. */
export interface SequenceCounts {
  received: number;
  /** Connections opened after the first. */
  reconnects: number;
  /** Events made before the connection that delivered them opened: replayed from `Last-Event-ID`. */
  resumed: number;
  /** Numbers skipped: a tick after #5 that is #8 counts 2. */
  lost: number;
  /** Ticks whose number was not above the last one seen. */
  duplicated: number;
}

/**
 * Counts one client's ticks from their sequence numbers: a number above the next expected one is
 * a gap (lost), one not above the last is a repeat (duplicated). A reset (the server could not
 * resume) restarts the expectation, so what follows is not counted as a gap.
 */
export class SequenceCounter {
  readonly counts: SequenceCounts = { received: 0, reconnects: 0, resumed: 0, lost: 0, duplicated: 0 };
  /** The number of the last tick seen, undefined before the first and after a reset. */
  last: number | undefined;
  private openedAt = 0;
  private opened = false;

  /** A connection opened at `now` (milliseconds since the epoch, the same clock as the server's on this machine). */
  open(now: number): void {
    if (this.opened) this.counts.reconnects++;
    this.opened = true;
    this.openedAt = now;
  }

  /**
   * One tick.
   * @returns `'gap'` with how many were skipped, `'duplicate'`, or `'ok'`.
   */
  see(n: number, madeAt: number): { kind: 'ok' | 'duplicate' } | { kind: 'gap'; skipped: number } {
    this.counts.received++;
    if (madeAt < this.openedAt) this.counts.resumed++;
    const last = this.last;
    if (last !== undefined && n <= last) {
      this.counts.duplicated++;
      return { kind: 'duplicate' };
    }
    this.last = n;
    if (last === undefined || n === last + 1) return { kind: 'ok' };
    this.counts.lost += n - last - 1;
    return { kind: 'gap', skipped: n - last - 1 };
  }

  /** The server sent a reset: the next tick starts a new count. */
  reset(): void {
    this.last = undefined;
  }
}
