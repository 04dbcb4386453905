/**
 * Fan-out throughput: events appended on one connection, delivered through three stores (three
 * "processes", each its own ioredis client) to many subscribers each. Starts its own redis-server
 * on an ephemeral port, writes its section of `bench/results.md`.
 *
 * Run: pnpm --filter sse-rx-redis bench
 */
import { execSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { startRedisServer } from '../test/redisServer.js';
import { writeResultsSection } from './resultsSection.js';

const EVENTS = 5000;
const HUBS = 3;
const SUBSCRIBER_COUNTS = [1, 100, 1000];
/** Publishes in flight at once (ioredis pipelines them on its one connection, in order). */
const WINDOW = 200;

interface Row {
  subscribers: number;
  seconds: number;
  eventsPerSecond: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function run(port: number, subscribersPerHub: number): Promise<Row> {
  const stream = `bench-${subscribersPerHub}`;
  const connection = new Redis({ host: '127.0.0.1', port });
  const publisher = createRedisStore({ redis: connection, stream, maxEvents: EVENTS });
  const clients = Array.from({ length: HUBS }, () => new Redis({ host: '127.0.0.1', port }));
  const hubs: RedisStore[] = clients.map((redis) => createRedisStore({ redis, stream, maxEntriesPerRead: 1000 }));
  const latencies: number[] = [];
  let deliveries = 0;
  const expected = EVENTS * HUBS * subscribersPerHub;
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const subscriptions = hubs.flatMap((hub, h) =>
    Array.from({ length: subscribersPerHub }, (_, s) =>
      hub.stream().subscribe((message) => {
        // One subscriber per hub samples the latency, all count.
        if (s === 0 && h === 0) latencies.push(performance.now() - Number(message.data));
        if (++deliveries === expected) finish();
      }),
    ),
  );
  await Promise.all(
    hubs.map((hub) =>
      firstValueFrom(
        hub.state$.pipe(
          filter((s) => s === 'connected'),
          timeout(10_000),
        ),
      ),
    ),
  );

  const start = performance.now();
  for (let sent = 0; sent < EVENTS; sent += WINDOW) {
    const batch = Array.from({ length: Math.min(WINDOW, EVENTS - sent) }, () =>
      publisher.append({ event: 'tick', data: String(performance.now()) }),
    );
    await Promise.all(batch);
  }
  await Promise.race([
    done,
    new Promise((_, reject) => setTimeout(() => reject(new Error('bench timed out')), 60_000)),
  ]);
  const seconds = (performance.now() - start) / 1000;

  for (const subscription of subscriptions) subscription.unsubscribe();
  connection.disconnect();
  for (const redis of clients) redis.disconnect();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    subscribers: subscribersPerHub,
    seconds,
    eventsPerSecond: EVENTS / seconds,
    deliveriesPerSecond: expected / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

const redisVersion = /v=(\S+)/.exec(execSync('redis-server --version').toString())?.[1] ?? 'unknown';
const server = await startRedisServer();
const rows: Row[] = [];
try {
  for (const subscribers of SUBSCRIBER_COUNTS) {
    const row = await run(server.port, subscribers);
    rows.push(row);
    console.log(row);
  }
} finally {
  await server.kill();
}

const number = (n: number): string => Math.round(n).toLocaleString('en-US');
const table = [
  `## sse-rx-redis fan-out`,
  ``,
  `${number(EVENTS)} events published on one connection (${WINDOW} in flight), delivered through ${HUBS} hubs`,
  `(three ioredis clients, one \`XREAD BLOCK\` loop each) to every subscriber, all in one Node ${process.version}`,
  `process on 2 shared cores; redis-server ${redisVersion} on 127.0.0.1; ${new Date().toISOString().slice(0, 10)}.`,
  `Latency: from the publish call to delivery, sampled on one subscriber.`,
  ``,
  `| subscribers per hub | events/s | deliveries/s | p50 latency (ms) | p99 latency (ms) |`,
  `| ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map(
    (r) =>
      `| ${number(r.subscribers)} | ${number(r.eventsPerSecond)} | ${number(r.deliveriesPerSecond)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} |`,
  ),
  ``,
].join('\n');
writeResultsSection(table);
console.log(table);
