/** Bytes of `data` per event in cluster.bench.ts. */
export const EVENT_BYTES = 200;
const PAD = 'x'.repeat(EVENT_BYTES);

/** The clock of every process in the bench: milliseconds since the epoch, sub-millisecond resolution. */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * The `data` of event `seq`: its send time (by default now; {@link now}'s clock, which the clients
 * read too) and seq, padded to {@link EVENT_BYTES}: `t=<ms>;s=<seq>;xxx...`.
 */
export function eventData(seq: number, sentAt = now()): string {
  const head = `t=${sentAt.toFixed(3)};s=${seq};`;
  return head + PAD.slice(head.length);
}
