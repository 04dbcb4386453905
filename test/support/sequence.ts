import { writeFileSync } from 'node:fs';
import { firstValueFrom, map, takeUntil, takeWhile, timer, toArray } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import type { EventStore } from 'sse-rx-server';
import { afterAll } from 'vitest';

/** What one sequenced run delivered, as read by sse-rx-client. */
export interface SequenceRun {
  /** The sequence numbers in the order they arrived. */
  received: number[];
  /** How many times the client went to `reconnecting`. */
  reconnects: number;
  seconds: number;
}

/**
 * The id to resume from to get every event of an empty `store`: the id its reset carries (a
 * memory store's `<epoch>:0`), since publishing may start before a client's first connection.
 */
export async function originOf(store: EventStore): Promise<string> {
  return (await firstValueFrom(store.stream('origin?'))).id!;
}

/** Options of {@link readSequence}. */
export interface ReadSequenceOptions {
  /** The sequence number of an event's data. */
  parse: (data: string) => number;
  /** Where the first request resumes from. */
  lastEventId?: string;
  stallTimeoutMs?: number;
  /** Gives up (returning what arrived) after this long. @default 30_000 */
  timeoutMs?: number;
}

/**
 * Reads events from `url` with sse-rx-client, reconnecting as fast as the test allows, until the one
 * numbered `last` arrives or `timeoutMs` passes; everything that arrived is returned, duplicates too.
 */
export async function readSequence(url: string, last: number, options: ReadSequenceOptions): Promise<SequenceRun> {
  let reconnects = 0;
  const started = performance.now();
  const received = await firstValueFrom(
    fromSse(url, {
      reconnect: { initialDelayMs: 1, maxDelayMs: 20 },
      lastEventId: options.lastEventId ?? '',
      onState: (state) => {
        if (state.status === 'reconnecting') reconnects++;
      },
      ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
    }).pipe(
      map((event) => options.parse(event.data)),
      takeWhile((n) => n !== last, true),
      takeUntil(timer(options.timeoutMs ?? 30_000)),
      toArray(),
    ),
  );
  return { received, reconnects, seconds: (performance.now() - started) / 1000 };
}

/** Counts of a run of `1..sent`: events lost, delivered twice, and whether the rest came in order. */
export function tally(received: number[], sent: number) {
  const distinct = new Set(received.filter((n) => Number.isInteger(n) && n >= 1 && n <= sent));
  const inOrder = received.every((n, i) => i === 0 || n > received[i - 1]!);
  return {
    sent,
    received: received.length,
    lost: sent - distinct.size,
    duplicated: received.length - distinct.size,
    inOrder,
  };
}

/** The numbers `1..count`. */
export const sequence = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

/** One results-table row: scenario, sent, received, lost, duplicated, in order, reconnects, proxy connections and faults, time. */
export function resultRow(scenario: string, run: SequenceRun, sent: number, faults: string): string {
  const t = tally(run.received, sent);
  const n = (value: number) => value.toLocaleString('en-US');
  return `| ${scenario} | ${n(t.sent)} | ${n(t.received)} | ${t.lost} | ${t.duplicated} | ${t.inOrder ? 'yes' : 'NO'} | ${run.reconnects} | ${faults} | ${run.seconds.toFixed(2)} s |`;
}

/** The header of the {@link resultRow} table. */
export const RESULT_HEADER = [
  '| scenario | events sent | received | lost | duplicated | in order | client reconnects | proxy connections: faults | time |',
  '| --- | ---: | ---: | ---: | ---: | :---: | ---: | --- | ---: |',
];

/**
 * Collects result rows and, after the suite, writes them under `intro` and {@link RESULT_HEADER} to `url`
 * (a `results-*.md` that `scripts/collect-results.mjs` puts in RELIABILITY.md), but only when
 * `SSE_RX_RESULTS` is set (`pnpm faults`): a plain `pnpm test` leaves the page alone.
 * @returns the array to push {@link resultRow}s into.
 */
export function useResultsFile(url: URL, intro: string[]): string[] {
  const rows: string[] = [];
  afterAll(() => {
    if (process.env.SSE_RX_RESULTS) writeFileSync(url, `${[...intro, '', ...RESULT_HEADER, ...rows].join('\n')}\n`);
  });
  return rows;
}
