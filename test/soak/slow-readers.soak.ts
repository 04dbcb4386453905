/**
 * Slow-reader soak (a script, not a unit test): CLIENTS raw TCP clients open a stream and then stop
 * reading while 1 KB events are broadcast; with `backpressure.maxBufferBytes` per client, the
 * server's memory must stay under clients x bound + baseline. Run: `pnpm soak` (root).
 * Writes test/soak/results-slow-readers.md.
 */
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { sendEvents } from 'sse-rx-server';
import { startServer, waitFor } from '../support/http.js';

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 1000);
const BOUND = 64 * 1024;
const EVENTS = Number(process.env.SOAK_EVENTS ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
/** Live memory after GC: JS heap plus array buffers (the queued frames), and RSS. */
const memoryMB = () => {
  gc();
  const usage = process.memoryUsage();
  return { live: (usage.heapUsed + usage.arrayBuffers) / 2 ** 20, rss: usage.rss / 2 ** 20 };
};

const events$ = new Subject<SseMessage>();
let open = 0;
const responses = new Set<import('node:http').ServerResponse>();
const server = await startServer((req, res) => {
  open++;
  responses.add(res);
  res.on('close', () => {
    open--;
    responses.delete(res);
  });
  sendEvents(req, res, events$, { backpressure: { maxBufferBytes: BOUND, policy: 'drop-oldest' } });
});
const baseline = memoryMB();

const sockets: Socket[] = [];
for (let i = 0; i < CLIENTS; i++) {
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write('GET /events HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n');
  socket.once('data', () => socket.pause()); // headers arrive, then the client never reads again
  sockets.push(socket);
}
await waitFor(() => open === CLIENTS, 30_000, 'all clients connected');
const connected = memoryMB();

const payload = 'x'.repeat(1000);
/** Broadcasts events `from`..`to`, yielding to the event loop every 100. */
async function broadcast(from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) {
    events$.next({ id: String(n), data: payload });
    if (n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
await broadcast(1, EVENTS / 2);
const halfway = memoryMB();
await broadcast(EVENTS / 2 + 1, EVENTS);
const loaded = memoryMB();
const stillOpen = open;
// What Node's own response/socket buffers hold, on top of sse-rx's bounded queue.
let nodeBuffered = 0;
for (const res of responses) nodeBuffered += res.writableLength + (res.socket?.writableLength ?? 0);
const nodeBufferedMB = nodeBuffered / 2 ** 20;
for (const socket of sockets) socket.destroy();
await waitFor(() => open === 0, 10_000, 'all streams closed');
await server.close();

const offeredMB = (CLIENTS * EVENTS * 1000) / 2 ** 20;
const boundMB = (CLIENTS * BOUND) / 2 ** 20;
const growth = loaded.live - connected.live;
const mb = (m: { live: number; rss: number }) => `${m.live.toFixed(0)} (RSS ${m.rss.toFixed(0)})`;
const secondHalfGrowth = loaded.live - halfway.live;
const row = `| ${CLIENTS} | ${EVENTS} x 1 KB | ${offeredMB.toFixed(0)} MB | ${boundMB.toFixed(1)} MB | ${nodeBufferedMB.toFixed(1)} MB | ${mb(baseline)} / ${mb(connected)} / ${mb(halfway)} / ${mb(loaded)} MB | ${growth.toFixed(1)} MB | ${secondHalfGrowth.toFixed(1)} MB | ${stillOpen} |`;
console.log(row);
writeFileSync(
  new URL('./results-slow-readers.md', import.meta.url),
  [
    '## Slow readers (sse-rx-server)',
    '',
    `Raw TCP clients that read the response headers, then never read again; events broadcast to all of`,
    `them with \`backpressure: { maxBufferBytes: ${BOUND / 1024} KiB, policy: 'drop-oldest' }\`. Kernel socket buffers`,
    'absorb the first few hundred KB per client outside the process; the bound covers what the process holds.',
    'Live memory = JS heap + array buffers after a forced GC (what the process holds); RSS also counts',
    'freed memory the allocator keeps, so it is shown for reference.',
    '',
    'Node buffers = `res.writableLength + res.socket.writableLength` summed over clients: what Node itself',
    'accepted before `write()` returned false, outside the sse-rx queue.',
    '',
    'Bounded means: the second half of the broadcast adds (almost) nothing, however much is offered.',
    '',
    '| clients | events | offered in all | sse-rx bound (clients x maxBufferBytes) | Node buffers | live memory baseline / connected / halfway / end | growth while connected | growth in the second half | streams still open |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row,
    '',
  ].join('\n'),
);
// Bounded: once every queue is full, offering more events must not grow memory.
if (secondHalfGrowth > 0.1 * boundMB + 8) process.exit(1);
