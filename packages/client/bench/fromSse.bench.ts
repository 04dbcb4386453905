/**
 * Client throughput: events/s through fromSse (reconnect: false) reading N small JSON events from one
 * local node:http server, against the `eventsource` package (v4) and `@microsoft/fetch-event-source`
 * reading the same server in the same run, interleaved. Writes `bench/results.md`.
 * Run: pnpm --filter sse-rx-client bench
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchEventSource } from '@microsoft/fetch-event-source';
import { EventSource } from 'eventsource';
import { lastValueFrom, reduce } from 'rxjs';
import { type MessageScript, messageText } from '../../../test/support/messageText.js';
import { seededRandom } from '../../../test/support/random.js';
import { fromSse, parseJson } from '../src/index.js';

// fetch-event-source touches `document.removeEventListener` and `window.clearTimeout` in its dispose()
// even with openWhenHidden: true; Node has neither, so give it the minimum it calls.
const g = globalThis as Record<string, unknown>;
g.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} };
g.window ??= { setTimeout, clearTimeout, fetch };

const EVENTS = 100_000;
const BATCH = 1000;
const RUNS = 5;
const TIME_LIMIT_MS = 60_000;
// Fresh text for every event, as users send it: 1 event in 10 with an accented word (2-byte
// characters), 1 in 20 in CJK (3-byte) and 1 in 20 with emoji (4-byte), the rest ASCII.
const random = seededRandom(20261129);
const script = (i: number): MessageScript =>
  i % 10 === 0 ? 'accented' : i % 20 === 5 ? 'cjk' : i % 20 === 15 ? 'emoji' : 'ascii';
const wire = Array.from(
  { length: EVENTS },
  (_, i) => `id: ${i}\ndata: ${JSON.stringify({ n: i, text: messageText(random, script(i)) })}\n\n`,
);
const eventBytes = Math.round(Buffer.byteLength(wire.join('')) / EVENTS);
/** The wire bytes in batches of BATCH events, encoded once: the server's work is then only writing them. */
const batches = Array.from({ length: EVENTS / BATCH }, (_, b) =>
  Buffer.from(wire.slice(b * BATCH, (b + 1) * BATCH).join('')),
);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  const writeBatch = (): void => {
    while (sent < batches.length) {
      if (!res.write(batches[sent++])) {
        res.once('drain', writeBatch);
        return;
      }
    }
    res.end();
  };
  writeBatch();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

type Contender = { name: string; run: () => Promise<number> };

const ours: Contender = {
  name: 'sse-rx-client `fromSse`',
  run: () => lastValueFrom(fromSse(url, { reconnect: false }).pipe(reduce((n) => n + 1, 0))),
};
const oursJson: Contender = {
  name: 'sse-rx-client `fromSse` + `parseJson()`',
  run: () =>
    lastValueFrom(
      fromSse<{ message: { n: number; text: string } }>(url, { reconnect: false }).pipe(
        parseJson(),
        reduce((n, e) => n + (e.data.text.length > 0 ? 1 : 0), 0),
      ),
    ),
};
const eventsource: Contender = {
  name: '`eventsource` 4.x',
  run: () =>
    new Promise<number>((resolve, reject) => {
      let count = 0;
      const es = new EventSource(url);
      const timer = setTimeout(() => {
        es.close();
        reject(new Error(`eventsource: timed out after ${count} events`));
      }, TIME_LIMIT_MS);
      es.onmessage = () => {
        if (++count === EVENTS) {
          // The stream has delivered everything; close before it reconnects on the end of the body.
          clearTimeout(timer);
          es.close();
          resolve(count);
        }
      };
      es.onerror = () => {
        clearTimeout(timer);
        es.close();
        resolve(count);
      };
    }),
};
const fes: Contender = {
  name: '`@microsoft/fetch-event-source`',
  run: async () => {
    let count = 0;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIME_LIMIT_MS);
    await fetchEventSource(url, {
      openWhenHidden: true,
      fetch,
      signal: controller.signal,
      onmessage: () => void count++,
      onerror: (error) => {
        throw error; // no retry
      },
    });
    clearTimeout(timer);
    return count;
  },
};

const contenders = [ours, oursJson, eventsource, fes];
const times = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
const started = performance.now();
for (let i = -1; i < RUNS; i++) {
  // Rotate the order each round so no contender always runs right after the same one.
  const order = contenders.map((_, k) => contenders[(k + Math.max(i, 0)) % contenders.length]!);
  for (const c of order) {
    // CPU time of the process (user + system; the server's writes of the same bytes included, the
    // same for all): on a shared machine, much steadier than the wall clock.
    const start = process.cpuUsage();
    const count = await c.run();
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    if (count !== EVENTS) throw new Error(`${c.name}: expected ${EVENTS} events, got ${count}`);
    if (i >= 0) times.get(c)!.push(ms);
  }
  if (performance.now() - started > 4 * TIME_LIMIT_MS) throw new Error('bench took too long');
}
server.close();
server.closeAllConnections();

const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const rate = (c: Contender) => EVENTS / (median(times.get(c)!) / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const rows = [ours, oursJson, eventsource, fes].map((c) => {
  const ratios =
    c === eventsource || c === fes
      ? '-'
      : `**${(rate(c) / rate(eventsource)).toFixed(2)}x** | **${(rate(c) / rate(fes)).toFixed(2)}x**`;
  const rates = times.get(c)!.map((ms) => EVENTS / (ms / 1000));
  return `| ${c.name} | ${fmt(rate(c))} (${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}) | ${ratios === '-' ? '- | -' : ratios} |`;
});
for (const row of rows) console.log(row);

writeFileSync(
  new URL('./results.md', import.meta.url),
  [
    '## Client (sse-rx-client)',
    '',
    `Events/s reading ${EVENTS.toLocaleString('en')} small events (\`id\` + JSON \`data\` with a chat-like sentence, ~${eventBytes} B on the wire on average;`,
    'fresh text per event: 1 in 10 with an accented word, 1 in 20 in CJK, 1 in 20 with emoji, the rest ASCII)',
    'from one local node:http server (127.0.0.1, written in batches of 1,000 events encoded once up front), one connection per run.',
    `All contenders read the same server in the same process; median of ${RUNS} runs after a warm-up round,`,
    'interleaved with a rotating order. Every event is counted and the count checked. `fromSse` uses',
    '`{ reconnect: false }`; `eventsource` is closed at the last event; `@microsoft/fetch-event-source` is given',
    "`openWhenHidden: true` and Node's `fetch`, and the bench shims a minimal `document`/`window` (it calls",
    '`document.removeEventListener` and `window.clearTimeout` when it finishes). The peers only count events; the',
    '`parseJson()` row also parses every data field. Ratio = our events/s / peer events/s (above 1 = we are faster).',
    'Times are CPU time of the process (user + system, GC threads and the server writing the same pre-encoded bytes',
    'included), since the machine (2 cores) was shared with other jobs: read the ratios, not the absolute numbers.',
    '',
    '| client | events/s, median (min–max) | ratio vs `eventsource` | ratio vs `fetch-event-source` |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
