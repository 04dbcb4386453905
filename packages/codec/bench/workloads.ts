/**
 * The decode benchmark's workloads, shared by `decode.bench.ts` and the A/B tool `ab.ts`: event
 * streams cut like a socket would deliver them, their message text generated fresh for every event
 * from a fixed seed (the same bytes on every run).
 */
import { type MessageScript, messageText } from '../../../test/support/messageText.js';
import { seededRandom } from '../../../test/support/random.js';

const READ = 64 * 1024;
const utf8 = new TextEncoder();
const random = seededRandom(20261129);

/** One workload: the stream's chunks, its size in bytes and how many events it holds. */
export interface Workload {
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
export const mixedText = (i: number) => messageText(random, i % 10 === 0 ? 'accented' : 'ascii');
const times = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));

const mixedSmall = times(100_000, (i) => smallEvent(i, i % 10 === 0 ? 'accented' : 'ascii'));
const only = process.env.BENCH_ONLY ?? '';
/** Every workload, or those whose name contains `BENCH_ONLY` when set (for profiling one). */
export const workloads: Workload[] = [
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
].filter((w) => w.name.includes(only));
