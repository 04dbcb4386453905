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
import { type MessageScript, messageText } from '../../../test/support/messageText.js';
import { seededRandom } from '../../../test/support/random.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const READ = 64 * 1024;
const utf8 = new TextEncoder();
const random = seededRandom(20261129);

interface Workload {
  name: string;
  chunks: Uint8Array[];
  bytes: number;
  events: number;
}

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** Cut like a socket would deliver: 64 KiB reads unless said otherwise. */
function workload(name: string, events: string[], chunkSize = READ): Workload {
  const bytes = utf8.encode(events.join(''));
  return { name, chunks: chunked(bytes, chunkSize), bytes: bytes.length, events: events.length };
}

/** One small event (`id`, `event`, one `data:` line of ~100 B of JSON), its text fresh each time. */
const smallEvent = (i: number, script: MessageScript) =>
  `id: ${i}\nevent: msg\ndata: ${JSON.stringify({ id: i, user: `user${i % 100}`, text: messageText(random, script), ts: 1700000000000 + i })}\n\n`;
/** 1 sentence in 10 with an accented (2-byte) word, the rest ASCII. */
const mixedText = (i: number) => messageText(random, i % 10 === 0 ? 'accented' : 'ascii');
const times = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));

const mixedSmall = times(100_000, (i) => smallEvent(i, i % 10 === 0 ? 'accented' : 'ascii'));
const workloads: Workload[] = [
  workload(
    '100k small JSON events, ASCII',
    times(100_000, (i) => smallEvent(i, 'ascii')),
  ),
  workload('100k small JSON events, 1 in 10 with a 2-byte character', mixedSmall),
  workload(
    '100k small events, data entirely CJK (3-byte)',
    times(100_000, (i) => `id: ${i}\nevent: msg\ndata: ${messageText(random, 'cjk')}\n\n`),
  ),
  workload(
    '100k small JSON events with emoji (4-byte)',
    times(100_000, (i) => smallEvent(i, 'emoji')),
  ),
  workload(
    '20k events of 20 data lines (1 line in 10 with a 2-byte character)',
    times(20_000, (i) => times(20, (l) => `data: ${mixedText(i * 20 + l)}\n`).join('') + '\n'),
  ),
  workload(
    '200 events of 64 KiB (one data line; 1 sentence in 10 with a 2-byte character)',
    times(200, (i) => {
      let data = '';
      for (let s = 0; data.length < 64 * 1024; s++) data += mixedText(s) + ' ';
      return `id: ${i}\ndata: ${data}\n\n`;
    }),
  ),
  workload('10k small JSON events (1 in 10 with a 2-byte character), 1-byte chunks', mixedSmall.slice(0, 10_000), 1),
  workload('10k small JSON events (1 in 10 with a 2-byte character), 7-byte chunks', mixedSmall.slice(0, 10_000), 7),
];

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
 * Times every contender on every workload, `RUNS` rounds after a warm-up round, interleaved (each
 * round runs all workloads, the contenders in a rotating order) so all see the same machine state.
 */
function measure(): Map<Workload, Map<Contender, number[]>> {
  const results = new Map(workloads.map((w) => [w, new Map(contenders.map((c) => [c, [] as number[]]))]));
  for (let round = -1; round < RUNS; round++) {
    for (const w of workloads) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(k + Math.max(round, 0)) % contenders.length]!;
        const start = performance.now();
        const count = contender.run(w);
        const ms = performance.now() - start;
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
    const start = performance.now();
    if (run() !== encodedLength) throw new Error('encode: wrong length');
    if (round >= 0) encodeTimes[who]!.push(performance.now() - start);
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
    `warm-up round (each round runs every workload, the contenders in a rotating order); 1-minute load average ${loadBefore.toFixed(1)}`,
    `before and ${loadAfter.toFixed(1)} after (the machine is shared: read the ratios, not the absolute numbers).`,
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
    '`id: ${id}\\ndata: ${json}\\n\\n`, same output bytes. Ratio = our time / baseline time (below 1.25 = target met).',
    '',
    '| encode workload | encode() MB/s | template literal MB/s | ratio |',
    '| --- | ---: | ---: | ---: |',
    encodeRow,
    '',
  ].join('\n'),
);
