/**
 * Scale-out benchmark: 3 server instances (child processes, node:http + `sendEvents`) with 1,000
 * HTTP clients each (3,000 connections, in 2 more child processes), events published once and
 * delivered to every client, in two modes run one after the other on the same clients:
 *   redis: each instance serves `createStreamHub` over one stream; this process is the publisher
 *          (`publish`, one XADD per event).
 *   local: each instance serves its own `createMemoryStore`, appended to inside that instance
 *          (the in-process hub: no Redis at all), told by this process when to publish.
 * Every event carries its send time; the clients check seq order per connection and measure
 * latency at receipt. Two phases per mode: paced (light load) and full throughput (publishing
 * runs at most WINDOW events ahead of the slowest connection). Starts its own redis-server on an
 * ephemeral port; every child and the redis-server are killed on exit, also on failure.
 *
 * Run: pnpm --filter sse-rx-redis bench:cluster (BENCH_ROUNDS=3, BENCH_FULL_EVENTS=300)
 */
import { type ChildProcess, execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { publish } from '../src/index.js';
import { type RedisServer, startRedisServer } from '../test/redisServer.js';
import { atCleanUp, cleanUp, next, sleep, startChild, until } from './children.js';
import type { ClientsCommand, ClientsReply } from './cluster-clients.js';
import type { InstanceCommand, InstanceReply } from './cluster-instance.js';
import { EVENT_BYTES, eventData, now } from './eventData.js';
import { writeResultsSection } from './resultsSection.js';

type Mode = 'redis' | 'local';
const INSTANCES = 3;
const CLIENTS_PER_INSTANCE = 1000;
const CLIENT_PROCESSES = 2;
const CLIENTS = INSTANCES * CLIENTS_PER_INSTANCE;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PACED_EVENTS = 50;
/** The paced phases: one event every this many ms (light load, then a rate near what this machine delivers). */
const PACED_MS = [100, 20] as const;
type PhaseName = 'paced100' | 'paced20' | 'full';
/** Events published (and not counted) after connecting, before the first phase: JIT and socket warm-up. */
const WARM_UP_EVENTS = 20;
const FULL_EVENTS = Number(process.env.BENCH_FULL_EVENTS ?? 300);
/** How far publishing may run ahead of the slowest connection, in events (about 20 KB per client). */
const WINDOW = 100;
/** Events published at once in the full-throughput phase (one pipelined batch of XADDs, or one IPC message). */
const BATCH = 10;
const PHASE_TIMEOUT_MS = 60_000;
const STREAM = 'cluster-bench';

let redisServer: RedisServer | undefined;
// kill() sends SIGKILL synchronously before it awaits the exit.
atCleanUp(() => void redisServer?.kill());
/** A connection of this process for `INFO cpu`. */
let monitor: Redis | undefined;

// ------------------------------------------------------------------ one phase
interface Phase {
  events: number;
  received: number;
  expected: number;
  errors: number;
  closed: number;
  timedOut: boolean;
  /** Deliveries per second: received / (last receipt - first send). */
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time of the three server processes per delivery, and of redis-server per published event, in microseconds. */
  serverCpuUs: number;
  redisCpuUs: number;
}

interface Cluster {
  mode: Mode;
  instances: ChildProcess[];
  ports: number[];
  publishRange(from: number, to: number): Promise<void>;
  close(): void;
}

/** One measured run: paced (one event every `pacedMs`) or, without it, at full throughput. */
async function runPhase(cluster: Cluster, clients: ChildProcess[], pacedMs?: number): Promise<Phase> {
  const events = pacedMs === undefined ? FULL_EVENTS : PACED_EVENTS;
  await Promise.all(
    clients.map((c) =>
      next(c, 'expecting', { type: 'expect', events, timeoutMs: PHASE_TIMEOUT_MS } satisfies ClientsCommand),
    ),
  );
  const mins = clients.map(() => 0);
  const listeners = clients.map((client, i) => {
    const listener = (message: ClientsReply): void => {
      if (message.type === 'progress') mins[i] = message.min;
    };
    client.on('message', listener);
    return listener;
  });
  const done = Promise.all(
    clients.map((c) => next<Extract<ClientsReply, { type: 'done' }>>(c, 'done', undefined, PHASE_TIMEOUT_MS + 10_000)),
  );

  const cpuBefore = await cpuMs(cluster);
  const start = now();
  if (pacedMs !== undefined) {
    for (let seq = 0; seq < events; seq++) {
      await cluster.publishRange(seq, seq + 1);
      await sleep(pacedMs);
    }
  } else {
    // Bounded by count and time: stops at `events`, or at the deadline (the clients then time out too).
    for (let sent = 0; sent < events && now() - start < PHASE_TIMEOUT_MS; ) {
      const allowed = Math.min(events, sent + BATCH, Math.min(...mins) + WINDOW);
      if (allowed > sent) {
        await cluster.publishRange(sent, allowed);
        sent = allowed;
      } else {
        await sleep(1);
      }
    }
  }
  const results = await done;
  for (const [i, client] of clients.entries()) client.off('message', listeners[i]!);
  const cpuAfter = await cpuMs(cluster);

  const received = results.reduce((sum, r) => sum + r.received, 0);
  const lastReceipt = Math.max(...results.map((r) => r.lastReceipt));
  const latencies = new Float64Array(results.reduce((sum, r) => sum + r.latencies.length, 0));
  let offset = 0;
  for (const r of results) {
    latencies.set(r.latencies, offset);
    offset += r.latencies.length;
  }
  latencies.sort();
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    events,
    received,
    expected: events * CLIENTS,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    closed: results.reduce((sum, r) => sum + r.closed, 0),
    timedOut: results.some((r) => r.timedOut),
    deliveriesPerSecond: received / ((lastReceipt - start) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    serverCpuUs: ((cpuAfter.servers - cpuBefore.servers) * 1000) / received,
    redisCpuUs: ((cpuAfter.redis - cpuBefore.redis) * 1000) / events,
  };
}

/** The CPU time used so far by the cluster's server processes (summed) and by redis-server, in ms. */
async function cpuMs(cluster: Cluster): Promise<{ servers: number; redis: number }> {
  const states = await statuses(cluster);
  const info = await monitor!.info('cpu');
  const seconds = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return {
    servers: states.reduce((sum, s) => sum + s.cpuMs, 0),
    redis: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000,
  };
}

// ------------------------------------------------------------------ setup
type Status = Extract<InstanceReply, { type: 'status' }>;

/** Every instance's status, in order. */
function statuses(cluster: Cluster): Promise<Status[]> {
  return Promise.all(
    cluster.instances.map((i) => next<Status>(i, 'status', { type: 'status' } satisfies InstanceCommand)),
  );
}

async function startCluster(mode: Mode, port: number): Promise<Cluster> {
  const args = mode === 'redis' ? ['redis', String(port), STREAM] : ['local'];
  const instances = Array.from({ length: INSTANCES }, () =>
    startChild(new URL('./cluster-instance.ts', import.meta.url), args),
  );
  const ports = (
    await Promise.all(instances.map((i) => next<Extract<InstanceReply, { type: 'listening' }>>(i, 'listening')))
  ).map((r) => r.port);
  if (mode === 'local') {
    return {
      mode,
      instances,
      ports,
      publishRange: async (from, to) => {
        const sentAt = now();
        for (const instance of instances)
          instance.send({ type: 'publish', from, to, sentAt } satisfies InstanceCommand);
      },
      close: () => undefined,
    };
  }
  const publisher = new Redis({ host: '127.0.0.1', port });
  return {
    mode,
    instances,
    ports,
    publishRange: async (from, to) => {
      const batch: Promise<string>[] = [];
      const sentAt = now();
      for (let seq = from; seq < to; seq++) batch.push(publish(publisher, STREAM, { data: eventData(seq, sentAt) }));
      await Promise.all(batch);
    },
    close: () => publisher.disconnect(),
  };
}

async function connectAll(cluster: Cluster, clients: ChildProcess[]): Promise<void> {
  const perPort = CLIENTS_PER_INSTANCE / clients.length;
  await Promise.all(
    clients.map((c) =>
      next(c, 'connected', { type: 'connect', ports: cluster.ports, perPort } satisfies ClientsCommand),
    ),
  );
  await until(`${cluster.mode} instances to hold ${CLIENTS_PER_INSTANCE} clients each`, async () => {
    const states = await statuses(cluster);
    return states.every((s) => s.connections === CLIENTS_PER_INSTANCE && (s.hub === 'local' || s.hub === 'connected'));
  });
  // Negative seqs: the clients never count these, even if they arrive after the next run began.
  for (let seq = -WARM_UP_EVENTS; seq < 0; seq++) {
    await cluster.publishRange(seq, seq + 1);
    await sleep(10);
  }
  await sleep(500);
}

async function disconnectAll(cluster: Cluster, clients: ChildProcess[]): Promise<void> {
  await Promise.all(clients.map((c) => next(c, 'disconnected', { type: 'disconnect' } satisfies ClientsCommand)));
  await until(`${cluster.mode} instances to lose their clients`, async () => {
    const states = await statuses(cluster);
    return states.every((s) => s.connections === 0);
  });
}

// ------------------------------------------------------------------ main
const openFiles = Number(execSync('sh -c "ulimit -n"').toString().trim());
if (openFiles < CLIENTS + 1000)
  throw new Error(`ulimit -n is ${openFiles}: raise it to ${CLIENTS + 1000} or more (ulimit -n 20000)`);
const redisVersion = /v=(\S+)/.exec(execSync('redis-server --version').toString())?.[1] ?? 'unknown';

const phases = (): Record<PhaseName, Phase[]> => ({ paced100: [], paced20: [], full: [] });
const results: Record<Mode, Record<PhaseName, Phase[]>> = { redis: phases(), local: phases() };
const clusters: Cluster[] = [];
try {
  redisServer = await startRedisServer();
  monitor = new Redis({ host: '127.0.0.1', port: redisServer.port });
  const [redis, local] = [await startCluster('redis', redisServer.port), await startCluster('local', redisServer.port)];
  clusters.push(redis, local);
  const clients = Array.from({ length: CLIENT_PROCESSES }, () =>
    startChild(new URL('./cluster-clients.ts', import.meta.url), []),
  );
  for (let round = 0; round < ROUNDS; round++) {
    const order: Mode[] = round % 2 === 0 ? ['redis', 'local'] : ['local', 'redis'];
    for (const mode of order) {
      const cluster = mode === 'redis' ? redis : local;
      await connectAll(cluster, clients);
      const measured: Record<PhaseName, Phase> = {
        paced100: await runPhase(cluster, clients, PACED_MS[0]),
        paced20: await runPhase(cluster, clients, PACED_MS[1]),
        full: await runPhase(cluster, clients),
      };
      await disconnectAll(cluster, clients);
      for (const [name, p] of Object.entries(measured) as [PhaseName, Phase][]) {
        results[mode][name].push(p);
        const trouble =
          p.errors || p.closed || p.timedOut
            ? ` (errors ${p.errors}, closed ${p.closed}, timed out ${p.timedOut})`
            : '';
        console.log(
          `round ${round} ${mode} ${name}: ${p.received}/${p.expected}${trouble}, ${Math.round(p.deliveriesPerSecond)}/s, p50 ${p.p50.toFixed(1)} p99 ${p.p99.toFixed(1)} ms, server CPU ${p.serverCpuUs.toFixed(2)} us/delivery, redis ${p.redisCpuUs.toFixed(0)} us/event`,
        );
      }
    }
  }
} finally {
  for (const cluster of clusters) cluster.close();
  monitor?.disconnect();
  cleanUp();
}

// ------------------------------------------------------------------ report
const median = (list: number[]): number => [...list].sort((a, b) => a - b)[list.length >> 1] ?? NaN;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(1);
type Key = 'deliveriesPerSecond' | 'p50' | 'p99' | 'serverCpuUs' | 'redisCpuUs';
const m = (mode: Mode, phase: PhaseName, key: Key): number => median(results[mode][phase].map((p) => p[key]));
const latency = (mode: Mode, phase: PhaseName): string => `${ms(m(mode, phase, 'p50'))} / ${ms(m(mode, phase, 'p99'))}`;
const lost = (mode: Mode): string => {
  const all = Object.values(results[mode]).flat();
  const bad = all.reduce((sum, p) => sum + p.expected - p.received + p.errors + p.closed, 0);
  return `${fmt(bad)} of ${fmt(all.reduce((sum, p) => sum + p.expected, 0))}`;
};
const row = (mode: Mode, label: string): string =>
  `| ${label} | ${fmt(m(mode, 'full', 'deliveriesPerSecond'))} | ${fmt(m(mode, 'full', 'deliveriesPerSecond') / CLIENTS)} | ${latency(mode, 'paced100')} | ${latency(mode, 'paced20')} | ${latency(mode, 'full')} | ${m(mode, 'full', 'serverCpuUs').toFixed(2)} | ${fmt(m(mode, 'full', 'redisCpuUs'))} | ${lost(mode)} |`;
const signed = (n: number): string => (n >= 0 ? `+${ms(n)}` : ms(n));
const added = (phase: PhaseName): string =>
  `${signed(m('redis', phase, 'p50') - m('local', phase, 'p50'))} / ${signed(m('redis', phase, 'p99') - m('local', phase, 'p99'))}`;
const ratio = (phase: PhaseName, key: Key): string =>
  `${(m('redis', phase, key) / m('local', phase, key)).toFixed(2)}x`;
const section = [
  `## sse-rx-redis scale-out: 3 instances x 1,000 HTTP clients`,
  ``,
  `Three server processes (node:http on 127.0.0.1, \`sendEvents(req, res, ...)\`) with ${fmt(CLIENTS_PER_INSTANCE)} SSE clients each`,
  `(${fmt(CLIENTS)} node:http connections from ${CLIENT_PROCESSES} client processes); events of ${EVENT_BYTES} bytes of data, each published once`,
  `and delivered to all ${fmt(CLIENTS)} clients. **redis**: each instance serves \`createStreamHub\` over one stream, fed by one publisher`,
  `process (\`publish\`: one XADD per event, up to ${BATCH} pipelined). **in-process** (baseline): the same three processes and clients,`,
  `each instance serving its own \`createMemoryStore\`, which it appends to itself when the publisher process tells it to`,
  `(one IPC message per batch to each instance; no Redis). The two modes alternate round by round on the same client processes.`,
  `Send time = when the publisher process publishes (before the XADD, or before the IPC message), written into the event;`,
  `latency = client receipt time - send time (\`performance.timeOrigin + performance.now()\`, one machine), over every delivery.`,
  `Paced: ${PACED_EVENTS} events, one every ${PACED_MS[0]} ms (light load), then one every ${PACED_MS[1]} ms (${fmt((CLIENTS * 1000) / PACED_MS[1])} deliveries/s asked,`,
  `${Math.round((100 * CLIENTS * 1000) / PACED_MS[1] / m('local', 'full', 'deliveriesPerSecond'))}% of the in-process full-throughput rate below: queues build up). Full throughput: ${FULL_EVENTS} events, published in batches of ${BATCH}`,
  `whenever the slowest connection is fewer than`,
  `${WINDOW} events behind (so latency at full throughput is mostly that window); delivered events/s = deliveries / (last receipt -`,
  `first send). Every connection checks it gets each event once and in order; lost counts missing, repeated or out-of-order`,
  `events and closed connections over all runs. ${WARM_UP_EVENTS} uncounted events warm each mode up after the clients connect.`,
  `CPU: user + system time of the three server processes (\`process.cpuUsage()\`) per delivery, and of redis-server (\`INFO cpu\`)`,
  `per published event, during the full-throughput phase: less sensitive to the shared machine than the rates (in the`,
  `in-process rows redis-server is idle: that figure is its background work, and \`INFO\` itself).`,
  `Median of ${ROUNDS} rounds, on ${cpus()[0]?.model ?? 'an unknown CPU'} (${cpus().length} cores). Clients, servers, publisher and redis-server ${redisVersion} share`,
  `these cores, with another`,
  `benchmark running on them: the clients cost as much CPU as the servers, so read the ratios, not the absolute numbers. ${new Date().toISOString().slice(0, 10)}.`,
  ``,
  `| hub | delivered events/s | events/s per client | latency p50 / p99 ms, paced ${PACED_MS[0]} ms | paced ${PACED_MS[1]} ms | full throughput | server CPU us / delivery | redis-server CPU us / event | lost |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  row('redis', 'redis (`createStreamHub`)'),
  row('local', 'in-process (`createMemoryStore`)'),
  `| redis - in-process | ${ratio('full', 'deliveriesPerSecond')} | | ${added('paced100')} ms (${ratio('paced100', 'p50')} p50) | ${added('paced20')} ms (${ratio('paced20', 'p50')} p50) | ${added('full')} ms | ${ratio('full', 'serverCpuUs')} | | |`,
  ``,
].join('\n');
writeResultsSection(section);
console.log(section);
