/** The largest value of either half of a Redis stream id: an unsigned 64-bit integer. */
const MAX_PART = 2n ** 64n - 1n;
/** The largest stream id. */
export const MAX_STREAM_ID = `${MAX_PART}-${MAX_PART}`;
const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

/**
 * The canonical form of a complete Redis stream id (`<ms>-<seq>`, leading zeros removed), or
 * `undefined` when `id` is not one.
 */
export function normalizeStreamId(id: string): string | undefined {
  const match = STREAM_ID.exec(id);
  if (!match) return undefined;
  const ms = BigInt(match[1] as string);
  const seq = BigInt(match[2] as string);
  return ms <= MAX_PART && seq <= MAX_PART ? `${ms}-${seq}` : undefined;
}

/**
 * Compares two canonical stream ids numerically, `ms` first then `seq`: negative, zero or positive
 * like `Array.prototype.sort` wants. Canonical decimals compare by length, then by characters.
 */
export function compareStreamIds(a: string, b: string): number {
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  return (
    compareDecimals(a.slice(0, dashA), b.slice(0, dashB)) || compareDecimals(a.slice(dashA + 1), b.slice(dashB + 1))
  );
}

function compareDecimals(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The millisecond part of a stream id (for an id Redis made with `*`, its `XADD` time on the Redis clock). */
export const streamIdTime = (id: string): number => Number(id.slice(0, id.indexOf('-')));
