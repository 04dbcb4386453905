/** What {@link trimArguments} reads from the store's config. */
export interface TrimConfig {
  maxEvents?: number;
  ttlMs?: number;
  exactTrim?: boolean;
}

/** The stream keeps this many entries unless told otherwise. */
const DEFAULT_MAX_EVENTS = 10_000;

/**
 * The trimming part of an `XADD`, checked once when the store is made: a function giving
 * `MAXLEN ~ n`, or `MINID ~ <now - ttlMs>-0` for an age bound, or nothing (`maxEvents: Infinity`).
 * @throws TypeError for a bad bound, or for both bounds at once (XADD trims by one of them).
 */
export function trimArguments({ maxEvents, ttlMs, exactTrim = false }: TrimConfig): () => string[] {
  const mode = exactTrim ? '=' : '~';
  if (ttlMs !== undefined) {
    if (maxEvents !== undefined)
      throw new TypeError(
        'Set maxEvents or ttlMs, not both: XADD trims a stream by length (MAXLEN) or by age (MINID).',
      );
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new TypeError(`ttlMs must be an integer >= 1, got ${ttlMs}.`);
    return () => ['MINID', mode, `${Date.now() - ttlMs}-0`];
  }
  const max = maxEvents ?? DEFAULT_MAX_EVENTS;
  if (max === Infinity) return () => [];
  if (!Number.isInteger(max) || max < 0)
    throw new TypeError(`maxEvents must be an integer >= 0 or Infinity, got ${max}.`);
  const args = ['MAXLEN', mode, String(max)];
  return () => args;
}
