/**
 * Codec benchmark: bytes in -> events out against eventsource-parser (fed through a streaming
 * TextDecoder), and encode against a naive template literal. Writes `bench/results.md`.
 * Run with `pnpm bench` from the repository root.
 */
import { writeFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import { encode, SseDecoder } from '../src/index.js';

const RUNS = 7;
const utf8 = new TextEncoder();

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

/** Cut like a socket would deliver: 16 KiB reads. */
function workload(name: string, text: string, events: number, chunkSize = 16 * 1024): Workload {
  const bytes = utf8.encode(text);
  return { name, chunks: chunked(bytes, chunkSize), bytes: bytes.length, events };
}

const smallJson = (i: number) =>
  JSON.stringify({ id: i, user: 'user' + (i % 100), text: 'hello world', ts: 1700000000000 + i });
const small = Array.from({ length: 100_000 }, (_, i) => `id: ${i}\nevent: msg\ndata: ${smallJson(i)}\n\n`).join('');
const big = Array.from({ length: 200 }, (_, i) => `id: ${i}\ndata: ${'x'.repeat(64 * 1024 - 1)}${i % 10}\n\n`).join('');
const multi = Array.from(
  { length: 20_000 },
  (_, i) => Array.from({ length: 20 }, (_, l) => `data: line ${l} of ${i}\n`).join('') + '\n',
).join('');
const small10k = small.slice(0, small.indexOf('id: 10000\n'));

const workloads: Workload[] = [
  workload('(a) 100k small JSON events (~100 B)', small, 100_000),
  workload('(b) 200 events of 64 KiB', big, 200),
  workload('(c) 20k events of 20 data lines', multi, 20_000),
  workload('(d) 10k small events, 1-byte chunks', small10k, 10_000, 1),
  workload('(d) 10k small events, 7-byte chunks', small10k, 10_000, 7),
];

function runOurs(w: Workload): number {
  let count = 0;
  const decoder = new SseDecoder({ onEvent: () => count++ });
  for (const chunk of w.chunks) decoder.feed(chunk);
  decoder.end();
  return count;
}

function runPeer(w: Workload): number {
  let count = 0;
  const parser = createParser({ onEvent: () => count++ });
  const text = new TextDecoder();
  for (const chunk of w.chunks) parser.feed(text.decode(chunk, { stream: true }));
  parser.feed(text.decode());
  return count;
}

/**
 * Median times in ms of `RUNS` runs of each contender after a warm-up, interleaved so that both see
 * the same machine state; checks the result of every run.
 */
function timePair(ours: () => number, peer: () => number, expected: number): [number, number] {
  const times: [number[], number[]] = [[], []];
  for (let i = -1; i < RUNS; i++) {
    [ours, peer].forEach((run, who) => {
      const start = performance.now();
      const result = run();
      if (i >= 0) times[who]!.push(performance.now() - start);
      if (result !== expected) throw new Error(`expected ${expected}, got ${result}`);
    });
  }
  const median = (list: number[]) => list.sort((a, b) => a - b)[RUNS >> 1]!;
  return [median(times[0]), median(times[1])];
}

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const rows: string[] = [];
for (const w of workloads) {
  const [ours, peer] = timePair(
    () => runOurs(w),
    () => runPeer(w),
    w.events,
  );
  rows.push(
    `| ${w.name} | ${mbps(w.bytes, ours).toFixed(1)} | ${mbps(w.bytes, peer).toFixed(1)} | **${(peer / ours).toFixed(2)}x** |`,
  );
  console.log(rows.at(-1));
}

const messages = Array.from({ length: 100_000 }, (_, i) => ({ id: String(i), data: smallJson(i) }));
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
const [encodeMs, naiveMs] = timePair(encodeOurs, encodeNaive, encodedLength);
const encodeRow = `| encode 100k small messages (id + JSON data) to bytes | ${mbps(encodedLength, encodeMs).toFixed(1)} | ${mbps(encodedLength, naiveMs).toFixed(1)} | **${(encodeMs / naiveMs).toFixed(2)}x** the baseline's time |`;
console.log(encodeRow);

writeFileSync(
  new URL('./results.md', import.meta.url),
  [
    '## Codec (sse-rx-codec)',
    '',
    `Median of ${RUNS} runs after a warm-up, one process. Decode: bytes in -> events out; the peer is`,
    '`eventsource-parser` fed through a streaming `TextDecoder`. Ratio = peer time / our time (above 1 = we are faster).',
    '',
    '| decode workload | sse-rx-codec MB/s | eventsource-parser MB/s | ratio |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    'Encode to UTF-8 bytes (what a sink writes) against the naive, unsafe template literal `id: ${id}\\ndata: ${json}\\n\\n`, same output bytes. Ratio = our time / baseline time (below 1.25 = target met).',
    '',
    '| encode workload | encode() MB/s | template literal MB/s | ratio |',
    '| --- | ---: | ---: | ---: |',
    encodeRow,
    '',
  ].join('\n'),
);
