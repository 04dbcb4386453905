/**
 * Stalled-client memory soak (a script, not a unit test): 1,000 raw TCP clients open a stream and
 * never read again while 1 KB events, a copy per client (the case the bounds are for: no frame
 * shared), are sent to all of them with the default `'close'` policy. One fresh server process per
 * configuration (so that RSS after one run does not carry into the next): the old 1 MiB default,
 * the per-stream bounds from 64 to 256 KiB, and the registry's process-wide `maxBufferedBytes`.
 * Reports the bytes held for the clients (sse-rx queues + Node's buffers), RSS during and after.
 * The clients run in a child process (stalled-clients.mjs). Run: `pnpm soak` (root). Writes
 * test/soak/results-stalled-memory.md.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { map, Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { createStreamRegistry, sendEvents } from 'sse-rx-server';
import { startServer, waitFor } from '../support/http.js';

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 1000);
const EVENTS = Number(process.env.SOAK_EVENTS ?? 4000);
const KIB = 1024;
const MIB = 2 ** 20;

/** One configuration: the per-stream bound (undefined: the default) and the registry's cap. */
interface Setup {
  name: string;
  maxBufferBytes?: number;
  maxBufferedBytes?: number;
}
const SETUPS: Setup[] = [
  { name: '1 MiB per stream (the default before)', maxBufferBytes: MIB },
  { name: '256 KiB per stream', maxBufferBytes: 256 * KIB },
  { name: '128 KiB per stream (the default)', maxBufferBytes: 128 * KIB },
  { name: '64 KiB per stream', maxBufferBytes: 64 * KIB },
  {
    name: '256 KiB per stream + registry `maxBufferedBytes: 64 MiB`',
    maxBufferBytes: 256 * KIB,
    maxBufferedBytes: 64 * MIB,
  },
];

const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run with --expose-gc');
  });
/** RSS after two forced GCs 100 ms apart, in MiB. */
const settledRss = async () => {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  return process.memoryUsage().rss / MIB;
};

/** One run in this process; prints its table row as the last line of stdout. */
async function run(setup: Setup): Promise<void> {
  const events$ = new Subject<SseMessage>();
  const responses = new Set<ServerResponse>();
  const registry = createStreamRegistry({ maxBufferedBytes: setup.maxBufferedBytes });
  const heldMiB = () => {
    let bytes = registry.metrics().bufferedBytes;
    for (const res of responses) bytes += res.writableLength;
    return bytes / MIB;
  };
  const backpressure = setup.maxBufferBytes === undefined ? undefined : { maxBufferBytes: setup.maxBufferBytes };
  const server = await startServer((req, res) => {
    responses.add(res);
    res.on('close', () => responses.delete(res));
    // A copy per client: every client's queue holds frames of its own.
    sendEvents(req, res, events$.pipe(map((message) => ({ ...message }))), { registry, backpressure });
  });
  const baseline = await settledRss();
  const clients = spawn(
    process.execPath,
    [fileURLToPath(new URL('./stalled-clients.mjs', import.meta.url)), String(server.port), String(CLIENTS)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await waitFor(() => responses.size === CLIENTS, 60_000, 'all clients connected');
  await once(clients.stdout!, 'data');
  const connected = await settledRss();

  const payload = 'x'.repeat(1000);
  let peakHeld = 0;
  let peakRss = 0;
  for (let n = 1; n <= EVENTS; n++) {
    events$.next({ data: payload });
    if (n % 50 === 0) {
      peakHeld = Math.max(peakHeld, heldMiB());
      peakRss = Math.max(peakRss, process.memoryUsage().rss / MIB);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  // Let the cap's check (every 100 ms) and the kernel catch up, then measure what is still held.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const heldAfterSending = heldMiB();
  const rssAfterSending = await settledRss();
  const { closedSlowClients } = registry.metrics();
  const open = responses.size;
  clients.stdin!.end();
  await waitFor(() => responses.size === 0, 30_000, 'all streams closed');
  await server.close();
  const after = await settledRss();
  const mib = (value: number) => value.toFixed(0);
  process.stdout.write(
    `| ${setup.name} | ${mib(peakHeld)} MiB (${((peakHeld * KIB) / CLIENTS).toFixed(0)} KiB per client) | ${mib(heldAfterSending)} MiB | ${closedSlowClients} closed, ${open} open | ${mib(baseline)} / ${mib(connected)} / ${mib(peakRss)} / ${mib(rssAfterSending)} MiB | ${mib(after)} MiB |\n`,
  );
}

const [mode, setupIndex] = process.argv.slice(2);
if (mode === 'run') {
  await run(SETUPS[Number(setupIndex)]!);
  process.exit(0);
}

const rows: string[] = [];
for (let i = 0; i < SETUPS.length; i++) {
  // A fresh process per setup, with this one's flags (tsx's loader, --expose-gc, the source condition).
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'run', String(i)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const row = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !row.startsWith('|')) throw new Error(`setup ${SETUPS[i]!.name} failed (exit ${code}): ${output}`);
  console.log(row);
  rows.push(row);
}
writeFileSync(
  new URL('./results-stalled-memory.md', import.meta.url),
  [
    '## Stalled clients: memory per-stream and process-wide (sse-rx-server)',
    '',
    `${CLIENTS.toLocaleString('en-US')} raw TCP clients (in a child process) read the response head, then never read again;`,
    `${EVENTS.toLocaleString('en-US')} events of 1 KB are sent to all of them, a copy per client (no frame shared: the case the`,
    "bounds are for), with the default `'close'` policy. One fresh server process per row. Held = sse-rx queues",
    "(registry `bufferedBytes`) + the sum of `res.writableLength`, sampled every 50 events; the kernel's socket",
    'buffers (outside the process) take up to ~2 MB per client on loopback first. RSS: baseline / all connected /',
    'most while sending / after sending (after GC) — and after every client is gone (after GC).',
    '',
    '| setup | most held while sending | held 500 ms after | streams closed / still open | RSS baseline / connected / peak / after sending | RSS after the clients left |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
