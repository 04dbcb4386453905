/**
 * Decoder fuzz (a script, not a unit test): random and mutated inputs, each decoded whole and cut
 * into random chunks; the decoder must never throw and every chunking must give the same result.
 * Writes `fuzz/results.md`. Run with `pnpm fuzz` from the repository root; `FUZZ_INPUTS` sets the count.
 */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../../../test/support/random.js';
import { encode, SseDecoder, type SseEvent } from '../src/index.js';

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 1_000_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const utf8 = new TextEncoder();

const random = seededRandom(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const corpus = [
  encode({ event: 'tick', id: '1', data: '{"n":1}' }),
  encode({ data: 'multi\nline\r\ndata', retry: 1000 }),
  encode({ comment: 'heartbeat' }),
  '\uFEFFdata: bom\r\n\r\n',
  'id: 7\0x\nretry: 12a\ndata\n\n',
  'data: 日本語 😀\r\revent: e\rdata: x\r\r',
].map((text) => utf8.encode(text));
const tokens = ['data:', 'data: ', 'id:', 'event:', 'retry:', ':', '\r', '\n', '\r\n', '\uFEFF', '\0', '😀', 'x'].map(
  (t) => utf8.encode(t),
);

function randomInput(): Uint8Array {
  const bytes: number[] = [];
  if (random() < 0.5) {
    // Mutate a corpus entry: flip, insert, delete bytes.
    bytes.push(...pick(corpus));
    const mutations = 1 + Math.floor(random() * 4);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(random() * (bytes.length + 1));
      const kind = random();
      if (kind < 0.33) bytes[at] = Math.floor(random() * 256);
      else if (kind < 0.66) bytes.splice(at, 0, ...pick(tokens));
      else bytes.splice(at, 1 + Math.floor(random() * 3));
    }
  } else {
    const parts = Math.floor(random() * 12);
    for (let p = 0; p < parts; p++) {
      if (random() < 0.7) bytes.push(...pick(tokens));
      else for (let b = Math.floor(random() * 6); b > 0; b--) bytes.push(Math.floor(random() * 256));
    }
  }
  return Uint8Array.from(bytes.map((b) => b & 0xff));
}

function decode(chunks: Uint8Array[]): string {
  const seen: (SseEvent | number | string)[] = [];
  const decoder = new SseDecoder({
    onEvent: (e) => seen.push(e),
    onRetry: (ms) => seen.push(ms),
    onComment: (c) => seen.push('#' + c),
    maxEventSize: 24,
  });
  for (const chunk of chunks) decoder.feed(chunk);
  decoder.end();
  return JSON.stringify([seen, decoder.lastEventId]);
}

function randomCuts(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    const size = 1 + Math.floor(random() * 8);
    chunks.push(bytes.subarray(start, start + size));
    start += size;
  }
  return chunks;
}

const began = performance.now();
let events = 0;
let mismatches = 0;
let throws = 0;
for (let i = 0; i < INPUTS; i++) {
  const input = randomInput();
  try {
    const whole = decode([input]);
    events += (JSON.parse(whole) as unknown[][])[0]!.length;
    if (decode(randomCuts(input)) !== whole) {
      mismatches++;
      if (mismatches <= 3) console.error('chunking changed the result for', JSON.stringify([...input]));
    }
  } catch (error) {
    throws++;
    if (throws <= 3) console.error('threw', error, 'for', JSON.stringify([...input]));
  }
}
const seconds = (performance.now() - began) / 1000;
const summary = `| ${INPUTS.toLocaleString('en')} | ${SEED} | ${events.toLocaleString('en')} | ${throws} | ${mismatches} | ${seconds.toFixed(1)} s |`;
console.log(summary);
writeFileSync(
  new URL('./results.md', import.meta.url),
  [
    '## Decoder fuzz (sse-rx-codec)',
    '',
    'Random inputs (SSE tokens and raw bytes) and mutations of a valid corpus; each decoded whole and',
    'again cut into random 1-8 byte chunks, with `maxEventSize: 24` so the limit path is exercised too.',
    '',
    '| inputs | seed | callbacks seen | throws | chunking mismatches | time |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    summary,
    '',
  ].join('\n'),
);
if (throws > 0 || mismatches > 0) process.exit(1);
