/**
 * Web sink benchmark: N readers of `toReadableStream(store.stream(undefined))` over one shared
 * `createMemoryStore`, in this one process, receiving bursts of 10 events of 1 KB (10 appends in one
 * tick, then wait until every reader has them). Measures the process's CPU time (user + system) per
 * delivered event and delivered events/s, for two builds of sse-rx-server, interleaved round by round:
 * `sse-rx-server` (this package's dist) and the build whose `index.js` BENCH_BASELINE names (say the
 * dist of the commit before a change, copied aside). Prints a Markdown table; writes no file.
 * Run: pnpm --filter sse-rx-server build &&
 *   BENCH_BASELINE=/path/to/old/dist/index.js node --expose-gc --import tsx bench/webReaders.bench.ts
 * (BENCH_READERS, BENCH_BURSTS, BENCH_ROUNDS change the sizes.)
 */
import { pathToFileURL } from 'node:url';
import * as current from 'sse-rx-server';

type Server = Pick<typeof current, 'createMemoryStore' | 'toReadableStream'>;

const READERS = Number(process.env.BENCH_READERS ?? 1000);
const BURSTS = Number(process.env.BENCH_BURSTS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BURST = 10;
const DATA = 'x'.repeat(1000);
const NEWLINE = 10;

interface Run {
  cpuMicrosPerEvent: number;
  eventsPerSecond: number;
  readsPerEvent: number;
}

/** Counts the frames (blank-line ends) in a chunk; a frame never spans two chunks here. */
function framesIn(chunk: Uint8Array): number {
  let frames = 0;
  for (let at = chunk.indexOf(NEWLINE); at >= 0 && at + 1 < chunk.length; at = chunk.indexOf(NEWLINE, at + 1)) {
    if (chunk[at + 1] === NEWLINE) {
      frames++;
      at++;
    }
  }
  return frames;
}

async function run(server: Server): Promise<Run> {
  const store = server.createMemoryStore({ maxEvents: 100 });
  let delivered = 0;
  let reads = 0;
  let target = 0;
  let reached: (() => void) | undefined;
  const readers = Array.from({ length: READERS }, () => server.toReadableStream(store.stream(undefined)).getReader());
  for (const reader of readers) {
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done || value === undefined) return;
        reads++;
        delivered += framesIn(value);
        if (delivered >= target) reached?.();
      }
    })();
  }
  const burst = async () => {
    target = delivered + BURST * READERS;
    const all = new Promise<void>((resolve) => (reached = resolve));
    for (let n = 0; n < BURST; n++) void store.append({ data: DATA });
    await all;
  };
  // Warm-up: the code paths compiled, the readers waiting; then the garbage of the run before collected.
  for (let n = 0; n < 5; n++) await burst();
  (globalThis as { gc?: () => void }).gc?.();
  const from = { delivered, reads };
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let n = 0; n < BURSTS; n++) await burst();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const events = delivered - from.delivered;
  await Promise.all(readers.map((reader) => reader.cancel()));
  return {
    cpuMicrosPerEvent: (used.user + used.system) / events,
    eventsPerSecond: events / seconds,
    readsPerEvent: (reads - from.reads) / events,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const baselinePath = process.env.BENCH_BASELINE;
  if (!baselinePath) throw new Error('Set BENCH_BASELINE to the index.js of the build to compare with.');
  const baseline = (await import(pathToFileURL(baselinePath).href)) as Server;
  const builds: [string, Server][] = [
    ['baseline', baseline],
    ['current', current],
  ];
  const runs = new Map<string, Run[]>(builds.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which build goes first.
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const [name, server] of order) runs.get(name)!.push(await run(server));
  }
  console.log(
    `${READERS} readers, ${BURSTS} bursts of ${BURST} x 1 KB events, median of ${ROUNDS} interleaved rounds\n`,
  );
  console.log('| build | CPU µs / delivered event | delivered events/s | reads / event |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name] of builds) {
    const results = runs.get(name)!;
    const cpu = median(results.map((result) => result.cpuMicrosPerEvent));
    const rate = median(results.map((result) => result.eventsPerSecond));
    const readsPerEvent = median(results.map((result) => result.readsPerEvent));
    console.log(
      `| ${name} | ${cpu.toFixed(2)} | ${Math.round(rate).toLocaleString('en')} | ${readsPerEvent.toFixed(2)} |`,
    );
  }
  console.log(`\nall runs: ${JSON.stringify(Object.fromEntries(runs))}`);
}

await main();
