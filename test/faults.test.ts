import { Subject, firstValueFrom, map, take, toArray } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { fromSse } from 'sse-rx-client';
import { createEventLog, readLastEventId, sendEvents } from 'sse-rx-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fault, type FaultProxy, startFaultProxy } from './support/faultProxy.js';
import { seededRandom } from './support/random.js';
import { startServer, type TestServer } from './support/http.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An sse-rx-server endpoint serving a replay hub, with a publisher of `count` sequenced events. */
async function sequencedServer(count: number, batch: number, everyMs: number) {
  const source$ = new Subject<SseMessage>();
  const log = createEventLog(source$, { size: count });
  const server: TestServer = await startServer((req, res) => sendEvents(req, res, log.stream(readLastEventId(req))));
  let published = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < batch && published < count; i++) source$.next({ data: `seq:${++published}:${'x'.repeat(40)}` });
    if (published >= count) clearInterval(timer);
  }, everyMs);
  cleanups.push(() => clearInterval(timer), () => log.close(), () => server.close());
  return server;
}

/** Reads `count` events through `proxy` with sse-rx-client, reconnecting as fast as the test allows. */
function readSequence(proxy: FaultProxy, count: number, stallTimeoutMs?: number) {
  return firstValueFrom(
    fromSse(`${proxy.url}/events`, undefined, {
      reconnect: { initialDelayMs: 1, maxDelayMs: 20 },
      lastEventId: '0', // publishing may start before the first connection: ask for everything
      ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }),
    }).pipe(
      map((event) => Number(event.data.split(':')[1])),
      take(count),
      toArray(),
    ),
  );
}

const sequence = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describe('sse-rx-client and sse-rx-server through a fault-injecting proxy', () => {
  it('delivers 10,000 sequenced events exactly once and in order under random cuts, resets and fragmentation', async () => {
    const count = 10_000;
    const server = await sequencedServer(count, 250, 5);
    const random = seededRandom(42);
    const proxy = await startFaultProxy(server.port, (connection): Fault => {
      if (connection >= 60) return { kind: 'none' }; // bounded: the run always ends
      const afterBytes = 300 + Math.floor(random() * 30_000);
      const roll = random();
      if (roll < 0.4) return { kind: 'cut', afterBytes };
      if (roll < 0.8) return { kind: 'reset', afterBytes };
      return { kind: 'fragment', maxBytes: 1 + Math.floor(random() * 7), afterBytes: afterBytes / 4 };
    });
    cleanups.push(() => proxy.close());
    const started = performance.now();
    const received = await readSequence(proxy, count);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    expect(received).toEqual(sequence(count));
    const reconnects = proxy.faults.length - 1;
    console.log(`fault proxy: ${count} events, ${reconnects} reconnects, ${seconds} s, faults: ${summarize(proxy.faults)}`);
    expect(reconnects).toBeGreaterThan(10);
  }, 60_000);

  it('detects a half-open connection with the stall watchdog and recovers with nothing lost', async () => {
    const count = 300;
    const server = await sequencedServer(count, 10, 10);
    const proxy = await startFaultProxy(server.port, (connection) =>
      connection < 2 ? { kind: 'blackhole', afterBytes: 2_000 } : { kind: 'none' },
    );
    cleanups.push(() => proxy.close());
    const received = await readSequence(proxy, count, 300);
    expect(received).toEqual(sequence(count));
    expect(proxy.faults.map((f) => f.kind)).toEqual(['blackhole', 'blackhole', 'none']);
  }, 30_000);
});

function summarize(faults: Fault[]): string {
  const counts = new Map<string, number>();
  for (const fault of faults) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ');
}
