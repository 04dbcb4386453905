/**
 * Client throughput on the built packages (`dist`, as users run them): events/s through fromSse
 * (reconnect: false) reading N small JSON events from a local node:http server in another process
 * (bench/eventServer.ts), against the `eventsource` package (v4) and `@microsoft/fetch-event-source`
 * reading the same server in the same run, interleaved; and against the codec's `SseDecoder` read
 * straight off `fetch`, the floor under what fromSse adds. Writes `bench/results.md`.
 * Run: pnpm --filter sse-rx-client bench (builds the codec and the client first)
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fetchEventSource } from '@microsoft/fetch-event-source';
import { EventSource } from 'eventsource';
import { lastValueFrom, reduce } from 'rxjs';
import { fromSse, parseJson } from 'sse-rx-client';
import { SseDecoder } from 'sse-rx-codec';

// fetch-event-source touches `document.removeEventListener` and `window.clearTimeout` in its dispose()
// even with openWhenHidden: true; Node has neither, so give it the minimum it calls.
const g = globalThis as Record<string, unknown>;
g.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} };
g.window ??= { setTimeout, clearTimeout, fetch };

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TIME_LIMIT_MS = 60_000;
const loadBefore = os.loadavg()[0]!;

// The server runs in its own process, so the CPU time measured here is the clients' alone; it
// reports its own CPU time per response, for the combined figure.
const server = fork(new URL('./eventServer.ts', import.meta.url), { stdio: 'inherit' });
const serverReports: number[] = [];
let serverReported: (() => void) | undefined;
const {
  url,
  events: EVENTS,
  eventBytes,
} = await new Promise<{ url: string; events: number; eventBytes: number }>((resolve) => {
  server.on('message', (message: { url?: string; events: number; eventBytes: number; serverMs?: number }) => {
    if (message.url) resolve(message as { url: string; events: number; eventBytes: number });
    else if (message.serverMs !== undefined) {
      serverReports.push(message.serverMs);
      serverReported?.();
    }
  });
});
/** The server's CPU time for the response of the run that just ended (it reports when the response closes). */
async function serverMsOfLastRun(): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (serverReports.length === 0) {
    if (Date.now() > deadline) throw new Error('the server did not report its CPU time');
    await new Promise<void>((resolve) => {
      serverReported = resolve;
      setTimeout(resolve, 100);
    });
  }
  return serverReports.shift()!;
}

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
const decoder: Contender = {
  name: '`SseDecoder` on `fetch` (no client: the floor)',
  run: async () => {
    let count = 0;
    const decoder = new SseDecoder({ onEvent: () => void count++ });
    const response = await fetch(url);
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      decoder.feed(value);
    }
    return count;
  },
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

const contenders = [ours, oursJson, decoder, eventsource, fes];
/** Per contender and run: the CPU time of this process (the client) and of the server for that response. */
const times = new Map<Contender, { clientMs: number; serverMs: number }[]>(contenders.map((c) => [c, []]));
const started = performance.now();
for (let i = -1; i < RUNS; i++) {
  // Rotate the order each round so no contender always runs right after the same one.
  const order = contenders.map((_, k) => contenders[(k + Math.max(i, 0)) % contenders.length]!);
  for (const c of order) {
    // CPU time (user + system, GC threads included): on a shared machine, much steadier than the wall clock.
    const start = process.cpuUsage();
    const count = await c.run();
    const used = process.cpuUsage(start);
    const serverMs = await serverMsOfLastRun();
    if (count !== EVENTS) throw new Error(`${c.name}: expected ${EVENTS} events, got ${count}`);
    if (i >= 0) times.get(c)!.push({ clientMs: (used.user + used.system) / 1000, serverMs });
  }
  if (performance.now() - started > 4 * TIME_LIMIT_MS) throw new Error('bench took too long');
}
server.disconnect();
const loadAfter = os.loadavg()[0]!;

const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
/** Events/s of each run, from the client's CPU time alone or from client plus server. */
const rates = (c: Contender, withServer: boolean) =>
  times.get(c)!.map((t) => EVENTS / ((t.clientMs + (withServer ? t.serverMs : 0)) / 1000));
const rate = (c: Contender, withServer = false) => median(rates(c, withServer));
const fmt = (n: number) => Math.round(n).toLocaleString('en');
/** The median of the per-round ratios (min–max): each round runs every contender, so load that comes and goes cancels out. */
const ratio = (c: Contender, peer: Contender, withServer = false) => {
  if (c === eventsource || c === fes) return '-';
  const ours = rates(c, withServer);
  const theirs = rates(peer, withServer);
  const perRound = ours.map((r, i) => r / theirs[i]!);
  return `**${median(perRound).toFixed(2)}x** (${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)})`;
};
const rows = contenders.map((c) => {
  const client = rates(c, false);
  return `| ${c.name} | ${fmt(rate(c))} (${fmt(Math.min(...client))}–${fmt(Math.max(...client))}) | ${ratio(c, eventsource)} | ${ratio(c, fes)} | ${fmt(rate(c, true))} | ${ratio(c, eventsource, true)} |`;
});
for (const row of rows) console.log(row);

writeFileSync(
  new URL('./results.md', import.meta.url),
  [
    '## Client (sse-rx-client)',
    '',
    `What this measures: how many events/s a client gets through for each second of CPU it uses, reading ${EVENTS.toLocaleString('en')}`,
    `small events (\`id\` + JSON \`data\` with a chat-like sentence, ~${eventBytes} B on the wire on average; fresh text per event:`,
    '1 in 10 with an accented word, 1 in 20 in CJK, 1 in 20 with emoji, the rest ASCII) over one connection to a local',
    'node:http server (127.0.0.1) that runs in its own process and writes the events, encoded once up front, in batches',
    `of 1,000. The built packages (\`dist\`), ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}; ${RUNS} rounds`,
    'after a warm-up round, each running every contender in a rotating order, all in one process. Every event is counted',
    'and the count checked. `fromSse` uses `{ reconnect: false }`; `eventsource` is closed at the last event;',
    "`@microsoft/fetch-event-source` is given `openWhenHidden: true` and Node's `fetch`, and the bench shims a minimal",
    '`document`/`window` (it calls `document.removeEventListener` and `window.clearTimeout` when it finishes). The peers',
    'only count events; the `parseJson()` row also parses every data field. The `SseDecoder` row reads the same response',
    "with `fetch` and feeds the codec's decoder directly: the least fromSse can cost. Events/s: median (min–max) of the",
    'rounds. Ratio = our events/s / peer events/s (above 1 = we are faster): the median of the per-round ratios (min–max).',
    'Times are CPU time (user + system, GC threads included) of the client process; the last two columns add the',
    "server's CPU time for the same response (the bench's measure before the server had its own process).",
    `The machine (2 cores) was shared with other jobs: 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
    'Read the ratios, not the absolute numbers.',
    '',
    '| client | events/s per CPU second, median (min–max) | vs `eventsource` | vs `fetch-event-source` | client + server: events/s | vs `eventsource` |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
