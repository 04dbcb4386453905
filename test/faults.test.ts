import { createMemoryStore, readLastEventId, sendEvents } from 'sse-rx-server';
import { afterEach, describe, expect, it } from 'vitest';
import { randomFaults, startFaultProxy, summarizeFaults } from './support/faultProxy.js';
import { originOf, readSequence, sequence } from './support/sequence.js';
import { startServer, type TestServer } from './support/http.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An sse-rx-server endpoint serving a memory store, with a publisher of `count` sequenced events; `origin` resumes from the first. */
async function sequencedServer(count: number, batch: number, everyMs: number) {
  const store = createMemoryStore({ maxEvents: count });
  const origin = await originOf(store);
  const server: TestServer = await startServer((req, res) => sendEvents(req, res, store.stream(readLastEventId(req))));
  let published = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < batch && published < count; i++)
      void store.append({ data: `seq:${++published}:${'x'.repeat(40)}` });
    if (published >= count) clearInterval(timer);
  }, everyMs);
  cleanups.push(
    () => clearInterval(timer),
    () => server.close(),
  );
  return { server, origin };
}

/** The sequence number in `seq:<n>:<padding>`. */
const parse = (data: string) => Number(data.split(':')[1]);

describe('sse-rx-client and sse-rx-server through a fault-injecting proxy', () => {
  it('delivers 10,000 sequenced events exactly once and in order under random cuts, resets and fragmentation', async () => {
    const count = 10_000;
    const { server, origin } = await sequencedServer(count, 250, 5);
    const proxy = await startFaultProxy(server.port, randomFaults(42, 60));
    cleanups.push(() => proxy.close());
    // The origin: publishing may start before the first connection, so ask for everything.
    const run = await readSequence(`${proxy.url}/events`, count, { parse, lastEventId: origin, timeoutMs: 50_000 });
    expect(run.received).toEqual(sequence(count));
    console.log(
      `fault proxy: ${count} events, ${run.reconnects} reconnects, ${run.seconds.toFixed(2)} s, faults: ${summarizeFaults(proxy.faults)}`,
    );
    expect(run.reconnects).toBeGreaterThan(10);
  }, 60_000);

  it('detects a half-open connection with the stall watchdog and recovers with nothing lost', async () => {
    const count = 300;
    const { server, origin } = await sequencedServer(count, 10, 10);
    const proxy = await startFaultProxy(server.port, (connection) =>
      connection < 2 ? { kind: 'blackhole', afterBytes: 2_000 } : { kind: 'none' },
    );
    cleanups.push(() => proxy.close());
    const run = await readSequence(`${proxy.url}/events`, count, {
      parse,
      lastEventId: origin,
      stallTimeoutMs: 300,
      timeoutMs: 25_000,
    });
    expect(run.received).toEqual(sequence(count));
    expect(proxy.faults.map((f) => f.kind)).toEqual(['blackhole', 'blackhole', 'none']);
  }, 30_000);
});
