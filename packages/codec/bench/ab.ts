/**
 * A/B tool for decoder changes: builds of sse-rx-codec given as paths (e.g. a copy of `dist` made
 * before a change, and `dist`), timed against each other and against eventsource-parser in one
 * process, interleaved rounds, CPU time. Prints, per workload, each build's median ratio to the peer
 * and each build's median ratio to the first (min–max over rounds). Nothing is written.
 *
 * `tsx bench/ab.ts /tmp/dist-before ./dist` (`BENCH_RUNS` rounds, `BENCH_ONLY` to pick workloads;
 * `AB_TEXT=1` feeds every contender text decoded beforehand, to time the parsing alone). Also times
 * the peer's streaming `TextDecoder` alone and prints its share of the peer's time: what no parser
 * fed by that decoder can go below.
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createParser } from 'eventsource-parser';
import type { SseDecoder as SseDecoderClass } from 'sse-rx-codec';
import { type Workload, workloads } from './workloads.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TEXT = process.env.AB_TEXT === '1';

type Run = (chunks: readonly (Uint8Array | string)[]) => number;

async function build(dir: string): Promise<Run> {
  const module = (await import(pathToFileURL(path.resolve(dir, 'index.js')).href)) as {
    SseDecoder: typeof SseDecoderClass;
  };
  return (chunks) => {
    let count = 0;
    const decoder = new module.SseDecoder({ onEvent: () => count++ });
    for (const chunk of chunks) decoder.feed(chunk);
    decoder.end();
    return count;
  };
}

const peer: Run = (chunks) => {
  let count = 0;
  const parser = createParser({ onEvent: () => count++ });
  const text = new TextDecoder();
  for (const chunk of chunks) parser.feed(typeof chunk === 'string' ? chunk : text.decode(chunk, { stream: true }));
  if (!TEXT) parser.feed(text.decode());
  return count;
};

/** The peer's decoding alone: returns no event count (-1). */
const decodeOnly: Run = (chunks) => {
  const text = new TextDecoder();
  for (const chunk of chunks) if (typeof chunk !== 'string') text.decode(chunk, { stream: true });
  return -1;
};

/** The chunks decoded beforehand by a streaming TextDecoder, for `AB_TEXT=1`. */
function asText(w: Workload): string[] {
  const decoder = new TextDecoder();
  return w.chunks.map((chunk) => decoder.decode(chunk, { stream: true }));
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) throw new Error('Usage: tsx bench/ab.ts <dist dir> [<dist dir> ...]');
const contenders: [string, Run][] = [
  ...(await Promise.all(dirs.map(async (d) => [d, await build(d)] as [string, Run]))),
  ['eventsource-parser', peer],
  ['TextDecoder alone', decodeOnly],
];
const PEER = contenders.length - 2;
const inputs = workloads.map((w) => (TEXT ? asText(w) : w.chunks));

const times = workloads.map(() => contenders.map(() => [] as number[]));
const load = os.loadavg()[0]!;
for (let round = -1; round < RUNS; round++) {
  workloads.forEach((w, i) => {
    for (let k = 0; k < contenders.length; k++) {
      const c = (k + Math.max(round, 0)) % contenders.length;
      const start = process.cpuUsage();
      const count = contenders[c]![1](inputs[i]!);
      const used = process.cpuUsage(start);
      if (count !== w.events && count !== -1)
        throw new Error(`${contenders[c]![0]} on ${w.name}: ${count} events, expected ${w.events}`);
      if (round >= 0) times[i]![c]!.push((used.user + used.system) / 1000);
    }
  });
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const ratio = (other: number[], mine: number[]) => {
  const list = other.map((t, r) => t / mine[r]!);
  return `${median(list).toFixed(2)}x (${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)})`;
};
console.log(`load ${load.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}, ${RUNS} rounds${TEXT ? ', text in' : ''}`);
workloads.forEach((w, i) => {
  const t = times[i]!;
  const peerTimes = t[PEER]!;
  const cells = dirs.map(
    (d, k) =>
      `${d}: ${(w.bytes / 1e3 / median(t[k]!)).toFixed(0)} MB/s, peer ${ratio(peerTimes, t[k]!)}${k > 0 ? `, vs first ${ratio(t[0]!, t[k]!)}` : ''}`,
  );
  if (!TEXT) {
    const share = t[PEER + 1]!.map((d, r) => d / peerTimes[r]!);
    const left = peerTimes.map((p, r) => p / 1.5 - t[PEER + 1]![r]!);
    cells.push(
      `the peer's TextDecoder alone: ${(100 * median(share)).toFixed(0)}% of the peer's time; at 1.5x the peer, ${median(left).toFixed(1)} ms are left for all else (the peer's parsing: ${median(peerTimes.map((p, r) => p - t[PEER + 1]![r]!)).toFixed(1)} ms)`,
    );
  }
  console.log(`${w.name}\n  ${cells.join('\n  ')}`);
});
