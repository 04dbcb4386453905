/**
 * Codec benchmark on the built package (`dist`, as users run it): bytes in -> events out against
 * eventsource-parser (fed through a streaming TextDecoder) and against the floor (a streaming
 * TextDecoder plus an `indexOf('\n\n')` split: strings out, no parsing); then encode against a naive
 * template literal. Writes `bench/results.md`. Run with `pnpm bench` from the repository root.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createParser } from 'eventsource-parser';
import { encode, SseDecoder } from 'sse-rx-codec';
import { mixedText, type Workload, workloads } from './workloads.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const utf8 = new TextEncoder();

/** Each contender decodes a workload and returns the number of events (or blocks) it produced. */
interface Contender {
  name: string;
  run(w: Workload, onData?: (data: string) => void): number;
}

const ours: Contender = {
  name: 'sse-rx-codec',
  run(w, onData) {
    let count = 0;
    const decoder = new SseDecoder({
      onEvent: (event) => {
        count++;
        onData?.(event.data);
      },
    });
    for (const chunk of w.chunks) decoder.feed(chunk);
    decoder.end();
    return count;
  },
};

const peer: Contender = {
  name: 'eventsource-parser',
  run(w, onData) {
    let count = 0;
    const parser = createParser({
      onEvent: (event) => {
        count++;
        onData?.(event.data);
      },
    });
    const text = new TextDecoder();
    for (const chunk of w.chunks) parser.feed(text.decode(chunk, { stream: true }));
    parser.feed(text.decode());
    return count;
  },
};

/** The last block the floor made: kept (and checked) so that no engine can skip making the blocks. */
let floorBlock = '';
const floor: Contender = {
  name: 'floor',
  run(w) {
    let count = 0;
    const decoder = new TextDecoder();
    let rest = '';
    for (const chunk of w.chunks) {
      const text = rest + decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n', start)) {
        floorBlock = text.slice(start, end);
        count++;
        start = end + 2;
      }
      rest = text.slice(start);
    }
    return count;
  },
};

const contenders = [ours, peer, floor];

/** The same data, event by event, from us and from the peer: a benchmark of wrong output is worthless. */
function checkAgreement(w: Workload): void {
  const mine: string[] = [];
  const theirs: string[] = [];
  ours.run(w, (data) => mine.push(data));
  peer.run(w, (data) => theirs.push(data));
  if (mine.length !== w.events || theirs.length !== w.events || mine.some((data, i) => data !== theirs[i]))
    throw new Error(`${w.name}: sse-rx-codec and eventsource-parser disagree`);
}

/**
 * The CPU time (user + system, all threads: GC included) this process spent since `start`, in ms:
 * on a shared machine, much steadier than the wall clock, which also counts time spent waiting for a core.
 */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Times every contender on every workload, `RUNS` rounds after a warm-up round, interleaved (each
 * round runs all workloads, the contenders in a rotating order) so all see the same machine state.
 */
function measure(): Map<Workload, Map<Contender, number[]>> {
  const results = new Map(workloads.map((w) => [w, new Map(contenders.map((c) => [c, [] as number[]]))]));
  for (let round = -1; round < RUNS; round++) {
    for (const w of workloads) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(k + Math.max(round, 0)) % contenders.length]!;
        const start = process.cpuUsage();
        const count = contender.run(w);
        const ms = cpuMs(start);
        if (count !== w.events) throw new Error(`${contender.name} on ${w.name}: expected ${w.events}, got ${count}`);
        if (round >= 0) results.get(w)!.get(contender)!.push(ms);
      }
    }
  }
  return results;
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const range = (list: number[], digits: number) =>
  `${Math.min(...list).toFixed(digits)}–${Math.max(...list).toFixed(digits)}`;

for (const w of workloads) checkAgreement(w);
const loadBefore = os.loadavg()[0]!;
const results = measure();
const loadAfter = os.loadavg()[0]!;
if (floorBlock.length === 0) throw new Error('floor: made no blocks');

const rows = workloads.map((w) => {
  const ms = results.get(w)!;
  const rate = (c: Contender) => ms.get(c)!.map((t) => mbps(w.bytes, t));
  /** Per round: the other's time / ours (above 1 = we are faster). */
  const ratios = (c: Contender) => ms.get(c)!.map((t, round) => t / ms.get(ours)!.at(round)!);
  const cell = (c: Contender) => `${median(rate(c)).toFixed(0)} (${range(rate(c), 0)})`;
  const ratio = (c: Contender) => `**${median(ratios(c)).toFixed(2)}x** (${range(ratios(c), 2)})`;
  return `| ${w.name} | ${cell(ours)} | ${cell(peer)} | ${cell(floor)} | ${ratio(peer)} | ${ratio(floor)} |`;
});
for (const row of rows) console.log(row);

const messages = Array.from({ length: 100_000 }, (_, i) => ({
  id: String(i),
  data: JSON.stringify({ id: i, text: mixedText(i) }),
}));
const encodeOurs = () => {
  let length = 0;
  for (const m of messages) length += utf8.encode(encode(m)).length;
  return length;
};
const encodeNaive = () => {
  let length = 0;
  for (const m of messages) length += utf8.encode(`id: ${m.id}\ndata: ${m.data}\n\n`).length;
  return length;
};
const encodedLength = encodeNaive();
const encodeTimes: [number[], number[]] = [[], []];
for (let round = -1; round < RUNS; round++) {
  [encodeOurs, encodeNaive].forEach((run, who) => {
    const start = process.cpuUsage();
    if (run() !== encodedLength) throw new Error('encode: wrong length');
    if (round >= 0) encodeTimes[who]!.push(cpuMs(start));
  });
}
const encodeRatios = encodeTimes[0].map((t, round) => t / encodeTimes[1][round]!);
const encodeRow = `| encode 100k small messages (id + JSON data, 1 in 10 with a 2-byte character) to bytes | ${mbps(encodedLength, median(encodeTimes[0])).toFixed(0)} | ${mbps(encodedLength, median(encodeTimes[1])).toFixed(0)} | **${median(encodeRatios).toFixed(2)}x** (${range(encodeRatios, 2)}) the baseline's time |`;
console.log(encodeRow);

const cpu = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores)`;
writeFileSync(
  new URL('./results.md', import.meta.url),
  [
    '## Codec (sse-rx-codec)',
    '',
    `The built package (\`dist\`), ${cpu}, Node ${process.version}; one process, ${RUNS} interleaved rounds after a`,
    'warm-up round (each round runs every workload, the contenders in a rotating order). Times are CPU time of the',
    'process (user + system, GC threads included), steadier than the wall clock on a shared machine: 1-minute load',
    `average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after on ${os.cpus().length} cores. Read the ratios, not the absolute numbers.`,
    'Message text is generated fresh for every event (English words, accented names, CJK phrases, emoji).',
    '',
    '**Decode**: bytes in (64 KiB reads unless said otherwise) -> events out. Peer: `eventsource-parser` fed through a',
    "streaming `TextDecoder`. Floor: a streaming `TextDecoder` plus an `indexOf('\\n\\n')` split into one string per",
    'event, no parsing (roughly the limit of a JS decoder that produces strings). Before timing, the data of every',
    'event is checked equal between sse-rx-codec and the peer. Cells: median MB/s (min–max over rounds); ratios: median',
    'of the per-round time ratios, other / ours (above 1 = sse-rx-codec is faster), (min–max).',
    '',
    '| decode workload | sse-rx-codec MB/s | eventsource-parser MB/s | floor MB/s | vs eventsource-parser | vs floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '**Encode**: what a sink writes (`encode()` then UTF-8 bytes) against the naive, unsafe template literal',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the table names the template literal it compares with
    '`id: ${id}\\ndata: ${json}\\n\\n`, same output bytes. Ratio = our time / baseline time (below 1.25 = target met).',
    '',
    '| encode workload | encode() MB/s | template literal MB/s | ratio |',
    '| --- | ---: | ---: | ---: |',
    encodeRow,
    '',
  ].join('\n'),
);
