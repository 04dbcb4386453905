import type { RequestListener } from 'node:http';
import { createMemoryStore, readLastEventId, sendEvents } from 'sse-rx-server';
import { describe, expect, it } from 'vitest';
import { randomFaults, startFaultProxy, summarizeFaults } from '../support/faultProxy.js';
import { startServer, waitFor, type TestServer } from '../support/http.js';
import { originOf, readSequence, resultRow, sequence, tally, useResultsFile } from '../support/sequence.js';

const COUNT = 10_000;
/** Published events at which the HTTP server is shut down, each time until the client's next connection is refused, then started again on a new port. */
const RESTART_AT = [3_000, 6_500];
const rows = useResultsFile(new URL('./results-server-restart.md', import.meta.url), [
  '## Server restarted mid-run, through the fault proxy (sse-rx-server)',
  '',
  `A \`createMemoryStore\` outlives its HTTP server: ${COUNT.toLocaleString('en-US')} sequenced events are published`,
  `(50 every 5 ms) while the server is shut down (\`closeAllConnections()\`) after ${RESTART_AT.map((n) => n.toLocaleString('en-US')).join(' and ')} events`,
  'and started again on a new port once a client connection was refused, the fault proxy retargeted to it. sse-rx-client reads',
  'through the proxy (seeded random cuts, resets and 1-7 byte fragmentation on its first 60 connections;',
  'connections made while the server is down are refused) and resumes with `Last-Event-ID`.',
  'From `pnpm faults` (the same tests run in `pnpm test` without writing this file).',
]);

describe('a server restarted mid-run, behind the fault proxy', () => {
  it('delivers 10,000 events exactly once and in order while the HTTP server is shut down and restarted twice on a new port', async () => {
    const store = createMemoryStore({ maxEvents: COUNT });
    const origin = await originOf(store);
    const handler: RequestListener = (req, res) => void sendEvents(req, res, store.stream(readLastEventId(req)));
    let server: TestServer = await startServer(handler);
    const proxy = await startFaultProxy(server.port, randomFaults(7, 60));
    let published = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 50 && published < COUNT; i++)
        void store.append({ data: `seq:${++published}:${'x'.repeat(40)}` });
      if (published >= COUNT) clearInterval(timer);
    }, 5);
    const downtimes: string[] = [];
    const restarts = (async () => {
      for (const at of RESTART_AT) {
        await waitFor(() => published >= at, 20_000, `${at} events published`);
        await server.close();
        const closedAt = published;
        const refused = proxy.refused;
        await waitFor(() => proxy.refused > refused, 20_000, 'a connection refused while the server is down');
        server = await startServer(handler);
        proxy.retarget(server.port);
        downtimes.push(`${closedAt}-${published}`);
      }
    })();
    try {
      const run = await readSequence(`${proxy.url}/events`, COUNT, { parse, lastEventId: origin, timeoutMs: 40_000 });
      await restarts;
      const faults = `${proxy.faults.length}: ${summarizeFaults(proxy.faults)}; ${proxy.refused} refused`;
      rows.push(
        resultRow(
          `HTTP server restarted twice (down while events ${downtimes.join(' and ')} were published)`,
          run,
          COUNT,
          faults,
        ),
      );
      console.log(
        `server restart: ${JSON.stringify(tally(run.received, COUNT))}, ${run.reconnects} reconnects, ${run.seconds.toFixed(2)} s, down during ${downtimes.join(', ')}, proxy connections ${faults}`,
      );
      expect(run.received).toEqual(sequence(COUNT));
      expect(downtimes).toHaveLength(RESTART_AT.length);
      // The client did come while the server was down.
      expect(proxy.refused).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
      await restarts.catch(() => undefined);
      await proxy.close();
      await server.close();
    }
  }, 60_000);
});

/** The sequence number in `seq:<n>:<padding>`. */
function parse(data: string): number {
  return Number(data.split(':')[1]);
}
