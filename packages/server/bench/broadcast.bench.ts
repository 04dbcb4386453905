/**
 * Server broadcast benchmark: one shared stream of 1 KB events to N loopback clients, three servers
 * in this process (each on its own port), the clients in a second process (broadcast-clients.mjs):
 *   (a) sse-rx-server: createMemoryStore -> sendEvents(req, res, store.stream(readLastEventId(req)))
 *       and the same with a stream registry (its metrics on)
 *   (b) raw node:http: the same pre-encoded bytes written to every response in a loop
 *   (c) better-sse: createChannel() + createSession() + channel.broadcast()
 * Idle memory per connection is measured in a fresh server process per contender (this file with
 * `memory <kind>` arguments). Writes `bench/results.md`. Run: pnpm --filter sse-rx-server bench (builds first)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createChannel, createSession } from 'better-sse';
// The built package (dist), as users run it: tsx would compile src with esbuild's keepNames, whose
// __name() call on every named closure adds a property table to each (~250 B apiece, per connection).
import { createMemoryStore, createStreamRegistry, readLastEventId, sendEvents } from 'sse-rx-server';

type Kind = 'sse-rx-server' | 'sse-rx-server + registry' | 'raw node:http' | 'better-sse';
const ALL_KINDS: Kind[] = ['sse-rx-server', 'sse-rx-server + registry', 'raw node:http', 'better-sse'];
// BENCH_KINDS=sse-rx-server,better-sse runs only the contenders named (raw node:http always runs).
const KINDS = ALL_KINDS.filter(
  (kind) =>
    kind === 'raw node:http' ||
    process.env.BENCH_KINDS === undefined ||
    process.env.BENCH_KINDS.split(',').some((name) => name === kind),
);

interface Contender {
  kind: Kind;
  server: Server;
  port: number;
  sockets: Set<Socket>;
  publish(data: string): void;
  close(): void;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PAD = 'x'.repeat(1024);
/** ~1 KB of data, starting with the send timestamp the clients read back. */
const eventData = (seq: number) => {
  const head = `t=${now().toFixed(3)};seq=${seq};pad=`;
  return head + PAD.slice(0, 1000 - head.length);
};

async function start(kind: Kind): Promise<Contender> {
  const sockets = new Set<Socket>();
  let publish: (data: string) => void;
  let handler: Parameters<typeof createServer>[1];
  if (kind === 'sse-rx-server' || kind === 'sse-rx-server + registry') {
    const store = createMemoryStore({ maxEvents: 100 });
    // The registry counts every stream's messages and bytes for its metrics (what it costs to have them).
    const registry = kind === 'sse-rx-server' ? undefined : createStreamRegistry();
    handler = (req, res) => void sendEvents(req, res, store.stream(readLastEventId(req)), { registry });
    publish = (data) => void store.append({ data });
  } else if (kind === 'raw node:http') {
    const responses = new Set<import('node:http').ServerResponse>();
    handler = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.flushHeaders();
      responses.add(res);
      res.on('close', () => responses.delete(res));
    };
    let id = 0;
    publish = (data) => {
      const bytes = Buffer.from(`id: ${++id}\ndata: ${data}\n\n`);
      for (const res of responses) res.write(bytes);
    };
  } else {
    const channel = createChannel();
    handler = async (req, res) => {
      const session = await createSession(req, res, { serializer: String, keepAlive: null, retry: null });
      channel.register(session);
    };
    publish = (data) => void channel.broadcast(data, 'message');
  }
  const server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  return {
    kind,
    server,
    port: (server.address() as AddressInfo).port,
    sockets,
    publish,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

// ---------------------------------------------------------------- memory mode (child process)
if (process.argv[2] === 'memory') {
  const contender = await start(process.argv[3] as Kind);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(100);
    }
  };
  await settle();
  let before = process.memoryUsage();
  process.send!({ type: 'ready', port: contender.port });
  process.on('message', async (msg: { type: string; n: number }) => {
    if (msg.type === 'baseline') {
      // After warm-up connections have come and gone: code compiled and shapes made once are not
      // a cost per connection.
      const deadline = Date.now() + 30_000;
      while (contender.sockets.size > 0 && Date.now() < deadline) await sleep(20);
      await settle();
      before = process.memoryUsage();
      process.send!({ type: 'baselined' });
    } else if (msg.type === 'measure') {
      const deadline = Date.now() + 30_000;
      while (contender.sockets.size < msg.n && Date.now() < deadline) await sleep(20);
      await sleep(300);
      await settle();
      const after = process.memoryUsage();
      process.send!({
        type: 'measured',
        rss: after.rss - before.rss,
        heap: after.heapUsed - before.heapUsed,
        n: contender.sockets.size,
      });
    } else if (msg.type === 'exit') {
      contender.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

// ---------------------------------------------------------------- main
function request<T>(child: ChildProcess, msg: object, reply: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${reply} within ${timeoutMs} ms`)), timeoutMs);
    const listener = (m: { type: string; message?: string }) => {
      if (m.type === reply || m.type === 'error') {
        clearTimeout(timer);
        child.off('message', listener);
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m as T);
      }
    };
    child.on('message', listener);
    child.send(msg);
  });
}

interface Done {
  received: number;
  lastReceipt: number;
  p50: number;
  p99: number;
  timedOut: boolean;
}

async function main(): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const clients = fork(fileURLToPath(new URL('./broadcast-clients.mjs', import.meta.url)), [], { execArgv: [] });
  // 10,000 clients fit (ulimit -n 20000, a few hundred MB) but take minutes: BENCH_CLIENTS=1000,10000.
  const SIZES = (process.env.BENCH_CLIENTS ?? '1000,3000').split(',').map(Number);
  const sections: string[] = [];
  const started = Date.now();

  for (const N of SIZES) {
    const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (N <= 1000 ? 5 : 3));
    const EVENTS = Math.max(20, Math.round(100_000 / N)); // ~100 MB per throughput run
    const LAT_EVENTS = 20;
    const LAT_INTERVAL = Math.max(20, N / 100);
    const contenders = await Promise.all(KINDS.map(start));
    const thr = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const lat = new Map<Kind, { p50: number; p99: number }[]>(KINDS.map((k) => [k, []]));
    const load = new Map<Kind, { p50: number; p99: number }[]>(KINDS.map((k) => [k, []]));
    const cpu = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));

    // Round -1 warms every contender up (the first one to run would pay V8's compilation) and is not counted.
    for (let round = -1; round < ROUNDS; round++) {
      const counted = round >= 0;
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(k + round + 1) % contenders.length]!;
        await request(clients, { type: 'connect', port: c.port, n: N }, 'connected');
        while (c.sockets.size < N) await sleep(10);
        await sleep(200);

        // Latency: paced broadcasts, one every LAT_INTERVAL ms.
        await request(clients, { type: 'expect', total: N * LAT_EVENTS, timeoutMs: 60_000 }, 'expecting');
        const latDone = request<Done>(clients, { type: 'noop' }, 'done', 90_000);
        for (let i = 0; i < LAT_EVENTS; i++) {
          c.publish(eventData(i));
          await sleep(LAT_INTERVAL);
        }
        const l = await latDone;
        if (l.timedOut || l.received !== N * LAT_EVENTS)
          throw new Error(`${c.kind}: latency phase got ${l.received}/${N * LAT_EVENTS}`);
        if (counted) lat.get(c.kind)!.push(l);

        // Throughput: as fast as the sockets take it; batches of 10 events, then wait while any
        // socket has more than 64 KiB queued in Node (same rule for every contender).
        await request(clients, { type: 'expect', total: N * EVENTS, timeoutMs: 90_000 }, 'expecting');
        const thrDone = request<Done>(clients, { type: 'noop' }, 'done', 120_000);
        const t0 = now();
        const cpu0 = process.cpuUsage();
        let scanCpu = 0;
        for (let i = 0; i < EVENTS; i += 10) {
          for (let j = i; j < Math.min(EVENTS, i + 10); j++) c.publish(eventData(j));
          await new Promise(setImmediate);
          for (let spin = 0; spin < 10_000; spin++) {
            // The bench's own scan of N sockets is left out of the server's CPU time.
            const scan0 = process.cpuUsage();
            let max = 0;
            for (const s of c.sockets) if (s.writableLength > max) max = s.writableLength;
            const scan = process.cpuUsage(scan0);
            scanCpu += scan.user + scan.system;
            if (max <= 64 * 1024) break;
            await sleep(1);
          }
        }
        const d = await thrDone;
        const used = process.cpuUsage(cpu0);
        used.user -= scanCpu;
        const rate = (N * EVENTS) / ((d.lastReceipt - t0) / 1000);
        const cpuPerDelivery = (used.user + used.system) / (N * EVENTS);
        if (d.timedOut || d.received !== N * EVENTS)
          throw new Error(`${c.kind}: throughput phase got ${d.received}/${N * EVENTS}`);
        if (counted) {
          thr.get(c.kind)!.push(rate);
          cpu.get(c.kind)!.push(cpuPerDelivery);
          load.get(c.kind)!.push(d);
        }

        await request(clients, { type: 'disconnect' }, 'disconnected');
        while (c.sockets.size > 0) await sleep(10);
        console.log(
          `N=${N} ${counted ? `round ${round}` : 'warm-up'} ${c.kind}: ${Math.round(rate)} events/s, ${cpuPerDelivery.toFixed(2)} µs CPU/delivery, p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`,
        );
      }
    }
    for (const c of contenders) c.close();

    // Idle memory: a fresh server process per contender, warmed up by 100 connections that come and
    // go; then RSS and heap after N idle connections minus before them.
    const mem = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const heap = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    for (let round = 0; round < Math.min(ROUNDS, 2); round++) {
      for (const kind of KINDS) {
        const server = fork(here, ['memory', kind], { execArgv: [...process.execArgv, '--expose-gc'] });
        const { port } = await request<{ port: number }>(server, { type: 'noop' }, 'ready', 30_000);
        await request(clients, { type: 'connect', port, n: 100 }, 'connected');
        await request(clients, { type: 'disconnect' }, 'disconnected');
        await request(server, { type: 'baseline' }, 'baselined');
        await request(clients, { type: 'connect', port, n: N }, 'connected');
        const m = await request<{ rss: number; heap: number; n: number }>(
          server,
          { type: 'measure', n: N },
          'measured',
        );
        if (m.n !== N) throw new Error(`${kind}: ${m.n}/${N} idle connections`);
        mem.get(kind)!.push(m.rss / N);
        heap.get(kind)!.push(m.heap / N);
        await request(clients, { type: 'disconnect' }, 'disconnected');
        server.send({ type: 'exit' });
        await new Promise((resolve) => server.once('exit', resolve));
      }
    }

    const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
    const medianOf = (list: { p50: number; p99: number }[]) => ({
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
    });
    const rate = (k: Kind) => median(thr.get(k)!);
    const memOf = (k: Kind) => median(mem.get(k)!);
    const heapOf = (k: Kind) => median(heap.get(k)!);
    const cpuOf = (k: Kind) => median(cpu.get(k)!);
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const rows = KINDS.map((k) => {
      const l = medianOf(lat.get(k)!);
      const u = medianOf(load.get(k)!);
      return `| ${k} | ${fmt(rate(k))} | ${ratio(rate(k), rate('raw node:http'))} | ${KINDS.includes('better-sse') ? ratio(rate(k), rate('better-sse')) : '-'} | ${cpuOf(k).toFixed(2)} | ${ratio(cpuOf('raw node:http'), cpuOf(k))} | ${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} | ${u.p50.toFixed(1)} / ${u.p99.toFixed(1)} | ${(memOf(k) / 1024).toFixed(1)} | ${ratio(memOf(k), memOf('raw node:http'))} | ${(heapOf(k) / 1024).toFixed(1)} | ${ratio(heapOf(k), heapOf('raw node:http'))} |`;
    });
    for (const row of rows) console.log(row);
    sections.push(
      [
        `### ${N.toLocaleString('en')} clients`,
        '',
        `Throughput: ${EVENTS} events of 1 KB broadcast as fast as the sockets take them (${(N * EVENTS).toLocaleString('en')} deliveries per run);`,
        `latency at light load: ${LAT_EVENTS} events, one every ${LAT_INTERVAL} ms. Median of ${ROUNDS} rounds after a warm-up round (contender order rotated each round) (memory: ${Math.min(ROUNDS, 2)}).`,
        '',
        '| server | delivered events/s | vs raw | vs better-sse | server CPU µs / delivery | vs raw | latency p50 / p99 ms (paced) | latency p50 / p99 ms (at full throughput) | idle RSS KiB / connection | RSS vs raw | idle heap KiB / connection | heap vs raw |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
      ].join('\n'),
    );
    if (Date.now() - started > 20 * 60_000) break; // keep the whole bench bounded
    console.log(`${N} clients done after ${Math.round((Date.now() - started) / 1000)} s`);
  }
  clients.send({ type: 'exit' });

  writeFileSync(
    new URL('./results.md', import.meta.url),
    [
      '## Server broadcast (sse-rx-server)',
      '',
      'One server process with three servers on their own loopback ports; the N clients are node:http requests in a',
      'second process, which counts events by `\\n\\n` frames carrying `data: t=<send time>` and checks the total.',
      '(a) sse-rx-server: `store.append({ data })` into `createMemoryStore({ maxEvents: 100 })` (a fresh message object per event),',
      'each client served by `sendEvents(req, res, store.stream(readLastEventId(req)))` (default backpressure bound, policy `close`), from the built',
      "package's `dist` as users run it (not `src` through tsx, whose keepNames adds a property table to every closure);",
      'and the same with `{ registry: createStreamRegistry() }` (limits and metrics on: what the metrics cost; without a registry nothing is counted);',
      '(b) raw node:http writing the same pre-encoded `Buffer` to every response in a loop (the physical limit);',
      "(c) better-sse `createChannel()` + `createSession(req, res)` + `channel.register()` + `channel.broadcast(data, 'message')`",
      '(string serializer, no keep-alive timer or retry field, so it writes the same data as the others).',
      'The contenders run one after the other, in a rotating order each round; only one has clients at a time.',
      'Throughput = deliveries / (receipt of the last event - first send). Server CPU = user + system time of the server process',
      '(`process.cpuUsage()`, its publishing loop included, its scan of the sockets for the pause rule left out) during the throughput phase, per delivery; "vs raw" there is raw\'s',
      'CPU / ours (above 1 = we use less). Publishing goes in batches of 10 events and pauses',
      'while any server socket has more than 64 KiB queued in Node (same rule for all three, so no client is dropped).',
      'Latency = client receipt time - send time written into the event, both from `performance.timeOrigin + performance.now()`',
      '(same machine). Idle memory: a fresh server process per contender, warmed up by 100 connections that came and went',
      '(code compiled once is not a cost per connection); RSS and V8 heap used after N idle connections (after `gc()`)',
      'minus before them, divided by N. The machine (2 cores) was shared with other jobs during the run, and the client',
      'process competes with the server for the CPU: read the ratios, not the absolute numbers.',
      '',
      ...sections,
    ].join('\n'),
  );
}
