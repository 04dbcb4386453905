import type { RequestListener } from 'node:http';
import { firstValueFrom, takeUntil, takeWhile, timer as after, toArray } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import { createMemoryStore, readLastEventId, sendEvents } from 'sse-rx-server';
import { describe, expect, it, vi } from 'vitest';
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
  'The second row restarts the process instead (a fresh store: a new epoch) after 3,000 of 6,000 events: the client',
  "must get `event: reset` (reason `epoch`) and then every event after the reset's id, never a silent skip.",
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

describe('a process restarted mid-run (a fresh memory store), behind the fault proxy', () => {
  it('sends the client event: reset with reason epoch, then every event after the reset id: never a silent skip', async () => {
    const BEFORE = 3_000;
    const AFTER = 3_000;
    let store = createMemoryStore({ maxEvents: BEFORE + AFTER });
    const origin = await originOf(store);
    const handler: RequestListener = (req, res) => void sendEvents(req, res, store.stream(readLastEventId(req)));
    let server: TestServer = await startServer(handler);
    const proxy = await startFaultProxy(server.port, randomFaults(11, 60));
    let published = 0;
    let restarting = false;
    const timer = setInterval(() => {
      for (let i = 0; i < 50 && !restarting && published < BEFORE + AFTER; i++) {
        published++;
        void store.append({ data: published <= BEFORE ? `a:${published}` : `b:${published - BEFORE}` });
        restarting = published === BEFORE;
      }
      if (published >= BEFORE + AFTER) clearInterval(timer);
    }, 5);
    const restart = (async () => {
      await waitFor(() => restarting, 20_000, `${BEFORE} events published`);
      await server.close();
      // The new process: the module loaded afresh (a new boot id), an empty store.
      vi.resetModules();
      store = (await import('sse-rx-server')).createMemoryStore({ maxEvents: BEFORE + AFTER });
      server = await startServer(handler);
      proxy.retarget(server.port);
      restarting = false;
    })();
    const started = performance.now();
    let reconnects = 0;
    try {
      const events = await firstValueFrom(
        fromSse(`${proxy.url}/events`, undefined, {
          reconnect: { initialDelayMs: 1, maxDelayMs: 20 },
          lastEventId: origin,
          onState: (state) => {
            if (state.status === 'reconnecting') reconnects++;
          },
        }).pipe(
          takeWhile((event) => event.data !== `b:${AFTER}`, true),
          takeUntil(after(40_000)),
          toArray(),
        ),
      );
      await restart;
      const resets = events.flatMap((event, index) => (event.type === 'reset' ? [index] : []));
      expect(resets).toHaveLength(1);
      const at = resets[0]!;
      const before = events.slice(0, at).map((event) => event.data);
      const reset = events[at]!;
      const afterReset = events.slice(at + 1).map((event) => event.data);
      // Before the restart: a gapless prefix of the first store's events.
      expect(before).toEqual(before.map((_, i) => `a:${i + 1}`));
      expect(JSON.parse(reset.data)).toEqual({ reason: 'epoch', lastEventId: events[at - 1]?.lastEventId ?? origin });
      // After it: every event of the new store after the reset's id, once, in order.
      const from = Number(reset.lastEventId.split(':')[1]) + 1;
      expect(afterReset).toEqual(Array.from({ length: AFTER - from + 1 }, (_, i) => `b:${from + i}`));
      const faults = `${proxy.faults.length}: ${summarizeFaults(proxy.faults)}; ${proxy.refused} refused`;
      rows.push(
        `| Process restarted after ${BEFORE.toLocaleString('en-US')} events (fresh store, new epoch): \`event: reset\` (epoch) once, then the new store's events after its id | ${(BEFORE + AFTER).toLocaleString('en-US')} | ${events.length - 1} | 0 silent (${BEFORE - before.length} of the old store and ${from - 1} of the new one before the reset's id, announced by the reset) | 0 | yes | ${reconnects} | ${faults} | ${((performance.now() - started) / 1000).toFixed(2)} s |`,
      );
      console.log(
        `process restart: ${before.length} old events, reset ${reset.data} id ${reset.lastEventId}, ${afterReset.length} new events, ${reconnects} reconnects`,
      );
    } finally {
      clearInterval(timer);
      await restart.catch(() => undefined);
      await proxy.close();
      await server.close();
    }
  }, 60_000);
});

/** The sequence number in `seq:<n>:<padding>`. */
function parse(data: string): number {
  return Number(data.split(':')[1]);
}
