/**
 * Connection churn soak (a script, not a unit test): CLIENTS clients connect to one sse-rx-server
 * endpoint, read a few events, disconnect and connect again, for SOAK_SECONDS. Afterwards the source
 * must have no subscription left and the heap and handle counts must return to their baseline.
 * Run: `pnpm soak` (root). Writes test/soak/results-churn.md.
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { finalize, interval, map, share } from 'rxjs';
import { sendEvents } from 'sse-rx-server';
import { startServer } from '../support/http.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const snapshot = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  return { heapMB: process.memoryUsage().heapUsed / 2 ** 20, rssMB: process.memoryUsage().rss / 2 ** 20, handles };
};

let subscribed = 0;
const ticks$ = interval(10).pipe(
  map((n) => ({ data: `tick ${n}` })),
  share(),
);
const server = await startServer((req, res) => {
  subscribed++;
  sendEvents(req, res, ticks$.pipe(finalize(() => subscribed--)));
});
const before = await snapshot();

let connections = 0;
let events = 0;
let failures = 0;
const deadline = Date.now() + SECONDS * 1000;

/** One client: connect, read 1-3 events, abort; again until the deadline. */
async function client(): Promise<void> {
  while (Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const wanted = 1 + Math.floor(Math.random() * 3);
      let seen = 0;
      const req = request(`${server.url}/events`, (res) => {
        res.on('data', (chunk: Buffer) => {
          seen += chunk.toString().split('\n\n').length - 1;
          if (seen >= wanted) req.destroy();
        });
      });
      req.on('error', () => {});
      req.on('close', () => {
        connections++;
        events += seen;
        if (seen === 0) failures++;
        resolve();
      });
      req.end();
    });
  }
}
await Promise.all(Array.from({ length: CLIENTS }, client));
await new Promise((resolve) => setTimeout(resolve, 500));
const after = await snapshot();
const leftSubscriptions = subscribed;
await server.close();

const fmt = (n: number) => n.toFixed(1);
const row = `| ${SECONDS} s | ${CLIENTS} | ${connections.toLocaleString('en')} | ${events.toLocaleString('en')} | ${failures} | ${leftSubscriptions} | ${fmt(before.heapMB)} -> ${fmt(after.heapMB)} MB | ${before.handles} -> ${after.handles} |`;
console.log(row);
writeFileSync(
  new URL('./results-churn.md', import.meta.url),
  [
    '## Connection churn (sse-rx-server)',
    '',
    'Clients in the same process as the server, over loopback: connect, read 1-3 events of a shared',
    '10 ms ticker, abort, repeat. Heap after forced GC; handles from `process._getActiveHandles()`.',
    '',
    '| duration | clients | connections | events read | connections with no event | subscriptions left | heap before -> after | handles before -> after |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row,
    '',
  ].join('\n'),
);
if (leftSubscriptions !== 0) process.exit(1);
