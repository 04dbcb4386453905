/**
 * Comment-flood soak (a script, not a unit test): a server that sends a gigabyte of comments. FLOOD_MIB
 * (1024 by default) of 1 KB comment lines, then of one single comment line, go through sse-rx-codec's
 * decoder directly and through sse-rx-client over loopback; each run is followed by one event that
 * must still arrive. Peak live memory (JS heap + array buffers) is sampled during each run.
 * Run: `pnpm soak` (root). Writes test/soak/results-comment-flood.md.
 */
import { writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import { SseDecoder, SseProtocolError } from 'sse-rx-codec';
import { startServer } from '../support/http.js';

const MIB = 2 ** 20;
const FLOOD_MIB = Number(process.env.FLOOD_MIB ?? 1024);
const CHUNK = 64 * 1024;
const CHUNKS = (FLOOD_MIB * MIB) / CHUNK;
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run with --expose-gc');
  });
const utf8 = new TextEncoder();

/** 64 KiB of 1 KB comment lines (`: ccc…c\n`). */
const lines = utf8.encode(`: ${'c'.repeat(1021)}\n`.repeat(CHUNK / 1024));
/** 64 KiB of the middle of one comment line. */
const middle = utf8.encode('c'.repeat(CHUNK));
/**
 * The chunks of one flood: `CHUNKS` of 64 KiB, the single line opened by `: ` and closed by a line end
 * and a blank line (an oversized line drops the whole event block it is in, so `data: after` goes in the next).
 */
function* flood(kind: 'lines' | 'one line'): Generator<Uint8Array> {
  if (kind === 'one line') yield utf8.encode(': ');
  for (let i = 0; i < CHUNKS; i++) yield kind === 'lines' ? lines : middle;
  if (kind === 'one line') yield utf8.encode('\n\n');
  yield utf8.encode('data: after\n\n');
}

/** Live memory now, without a GC: what the process really holds at its peak, garbage included. */
const liveNow = () => {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / MIB;
};

interface Outcome {
  path: string;
  kind: string;
  /** MiB that went through before the run ended (less than the flood when the client gave up). */
  mib: number;
  seconds: number;
  baseline: number;
  peak: number;
  result: string;
}
const outcomes: Outcome[] = [];
const failures: string[] = [];

/** Feeds a flood to one decoder, synchronously, sampling memory every 256 chunks. */
function throughDecoder(kind: 'lines' | 'one line'): void {
  gc();
  const baseline = liveNow();
  let peak = baseline;
  let comments = 0;
  const errors: string[] = [];
  const events: string[] = [];
  const decoder = new SseDecoder({
    onComment: () => comments++,
    onError: (error) => errors.push(error.type),
    onEvent: (event) => events.push(event.data),
  });
  const started = performance.now();
  let n = 0;
  for (const chunk of flood(kind)) {
    decoder.feed(chunk);
    if (++n % 256 === 0) peak = Math.max(peak, liveNow());
  }
  decoder.end();
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, liveNow());
  const result = `${comments.toLocaleString('en-US')} comments, errors [${errors.join(', ')}], then event "${events.join(', ')}"`;
  outcomes.push({
    path: 'SseDecoder.feed (64 KiB byte chunks)',
    kind,
    mib: FLOOD_MIB,
    seconds,
    baseline,
    peak,
    result,
  });
  const expected = kind === 'lines' ? [] : ['max-size-exceeded'];
  if (events.join() !== 'after' || errors.join() !== expected.join()) failures.push(`decoder, ${kind}: ${result}`);
}

/** Resolves on the response's next `drain` or `close`, leaving no listener behind. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Serves a flood over loopback (writing only as fast as the socket drains) and reads it with sse-rx-client. */
async function throughClient(kind: 'lines' | 'one line'): Promise<void> {
  let sentMiB = 0;
  const server = await startServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of flood(kind)) {
      if (res.destroyed) return; // the client gave up: stop flooding
      sentMiB += chunk.length / 2 ** 20;
      if (!res.write(chunk)) await drainOrClose(res);
    }
    res.end();
  });
  gc();
  const baseline = liveNow();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, liveNow())), 20);
  const started = performance.now();
  const outcome = await firstValueFrom(fromSse(`${server.url}/events`, { reconnect: false })).then(
    (event) => `event "${event.data}" after the flood`,
    (error: unknown) =>
      error instanceof SseProtocolError ? `${error.type} error` : `unexpected error ${String(error)}`,
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, liveNow());
  await server.close();
  // fromSse ends the stream at an event past maxEventSize: the single line fails fast, the lines go through.
  const expected = kind === 'lines' ? 'event "after" after the flood' : 'max-size-exceeded error';
  if (outcome !== expected) failures.push(`client, ${kind}: ${outcome}`);
  const result = `${outcome}, server sent ${sentMiB.toFixed(0)} MiB`;
  outcomes.push({
    path: 'sse-rx-client fromSse over loopback (server in the same process)',
    kind,
    mib: sentMiB,
    seconds,
    baseline,
    peak,
    result,
  });
}

for (const kind of ['lines', 'one line'] as const) throughDecoder(kind);
for (const kind of ['lines', 'one line'] as const) await throughClient(kind);

const rows = outcomes.map(
  (o) =>
    `| ${o.path} | ${o.kind === 'lines' ? '1 KB comment lines' : 'one comment line'} | ${o.mib.toFixed(0)} MiB | ${o.seconds.toFixed(2)} s | ${(o.mib / o.seconds).toFixed(0)} MiB/s | ${o.baseline.toFixed(0)} MB | ${o.peak.toFixed(0)} MB | ${o.result} |`,
);
for (const row of rows) console.log(row);
writeFileSync(
  new URL('./results-comment-flood.md', import.meta.url),
  [
    '## A server that sends a gigabyte of comments (sse-rx-codec, sse-rx-client)',
    '',
    `${FLOOD_MIB} MiB of comments, as 1 KB lines or as one single line, then \`data: after\` and a blank line.`,
    "The decoder's default `maxEventSize` (8 Mi characters) applies to a line too: the single line must end",
    'in one `max-size-exceeded` error; through the decoder the event after it (after a blank line: an oversized',
    'line drops the event block it is in) must still arrive, while sse-rx-client ends the stream with that typed',
    'error and aborts the request (its `maxEventSize` option, same default). Peak live memory = JS heap +',
    'array buffers, sampled during the run without forcing GC (so garbage not yet collected counts too).',
    '',
    '| path | flood | went through | time | rate | live memory before | peak live memory | outcome |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n'),
);
// Bounded: no run may hold anything like the flood itself.
for (const o of outcomes)
  if (o.peak - o.baseline > 256) failures.push(`${o.path}, ${o.kind}: peak ${o.peak.toFixed(0)} MB`);
if (failures.length > 0) {
  console.error(`FAILED:\n${failures.join('\n')}`);
  process.exit(1);
}
