import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createRedisStore } from 'sse-rx-redis';
import { describe, expect, it } from 'vitest';
import { startBlackHoleProxy } from '../../packages/redis/test/blackHoleProxy.js';
import { redisServerAvailable, startRedisServer } from '../../packages/redis/test/redisServer.js';
import { randomFaults, startFaultProxy, summarizeFaults } from '../support/faultProxy.js';
import { waitFor } from '../support/http.js';
import { startRedisInstance } from '../support/redisInstance.js';
import { readSequence, resultRow, sequence, tally, useResultsFile } from '../support/sequence.js';

const COUNT = 10_000;
const STREAM = 'failover';
/** Published events after which instance A is shut down (the proxy switches to B), Redis is restarted, B's Redis connections are black-holed. */
const STOP_A_AT = 3_000;
const RESTART_REDIS_AT = 6_500;
const BLACK_HOLE_AT = 8_500;
/** B's read loop: a reply to its `XREAD BLOCK` is due within 1 s. */
const B_TIMING = { blockMs: 500, replyGraceMs: 500 };
const rows = useResultsFile(new URL('./results-redis-failover.md', import.meta.url), [
  '## Instance shut down, Redis restarted, then black-holed mid-run, through the fault proxy (sse-rx-redis)',
  '',
  `Two sse-rx-server instances (A, B) serve one Redis stream with \`createRedisStore\`; a publisher writes`,
  `${COUNT.toLocaleString('en-US')} sequenced events with \`append\` (batches of 50, pipelined, every 5 ms). Three clients read from \`0-0\`:`,
  'sse-rx-client through the fault proxy (seeded random cuts, resets and fragmentation on its first 60 connections)',
  "in front of A, then B; sse-rx-client straight to B (no faults: it rides B's read loop live through the restart and",
  "the black hole); and a subscriber of B's store in its process.",
  `After ${STOP_A_AT.toLocaleString('en-US')} events A is shut down (\`closeAllConnections()\`) and the proxy switched to B.`,
  `After ${RESTART_REDIS_AT.toLocaleString('en-US')} events redis-server itself is killed (SIGKILL) and started again on its port;`,
  "it runs with `appendonly yes`, `appendfsync always` (not `--save ''` alone, which would lose the stream and",
  'with it every id a client resumes from). The publisher waits between two batches for the restart: an',
  'XADD in flight when Redis dies may have been applied, and ioredis would send it again (a duplicate',
  'that publishing, not delivery, creates). The read loop of each store reconnects and continues from the last id it read.',
  `After ${BLACK_HOLE_AT.toLocaleString('en-US')} events, once B's read loop is \`connected\` again after the restart (the publisher waits`,
  "for it: black-holed earlier, the loop would still be in ioredis's reconnect backoff and its next connection",
  'would get through untouched), every connection of B to Redis (it goes through a TCP proxy) is black-holed: no byte',
  'forwarded, nothing closed, as after a failover that moved the IP; new connections get through. B runs with',
  '`blockMs: 500, replyGraceMs: 500` (its loop ignores `socketTimeout`, so only this reply deadline can notice), and',
  "its own connection with `socketTimeout: 2000`. The test waits until B's state went to `reconnecting` and back to `connected`.",
  'From `pnpm faults` (the same test runs in `pnpm test` without writing this file).',
]);

describe.skipIf(!redisServerAvailable)(
  'an instance shut down, Redis restarted and black-holed mid-run, behind the fault proxy',
  () => {
    it('delivers 10,000 events exactly once and in order to every client when the proxy fails over from A to B, Redis restarts and B is black-holed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sse-rx-failover-'));
      const redisServer = await startRedisServer({ appendOnlyDir: dir });
      const publisher = new Redis({ host: '127.0.0.1', port: redisServer.port });
      publisher.on('error', () => undefined); // it reconnects by itself while Redis restarts
      const writer = createRedisStore({ redis: publisher, stream: STREAM });
      // No replay cap: a client that falls far behind must still get every event, not a reset.
      const redisProxy = await startBlackHoleProxy(redisServer.port);
      const [a, b] = await Promise.all([
        startRedisInstance(redisServer.port, STREAM, { maxReplay: Infinity }),
        startRedisInstance(redisProxy.port, STREAM, { maxReplay: Infinity, ...B_TIMING }),
      ]);
      const proxy = await startFaultProxy(a!.http.port, randomFaults(11, 60));
      const started = performance.now();
      const statesOfB: Array<{ state: string; at: number }> = [];
      const watchB = b!.store.state$.subscribe((state) => statesOfB.push({ state, at: performance.now() }));
      const stateOfB = (): string | undefined => statesOfB.at(-1)?.state;
      // A client of B inside its process, from the start: it holds B's read loop for the whole run.
      const inProcess: number[] = [];
      const inB = b!.store.stream('0-0').subscribe((message) => inProcess.push(Number(message.data)));
      let published = 0;
      let stopped = false;
      const events: string[] = [];
      /** Runs `step` between two batches: nothing is in flight while it runs. */
      let between: (() => Promise<void>) | undefined;
      const betweenBatches = (step: () => Promise<void>): Promise<void> =>
        new Promise<void>((resolve, reject) => {
          between = () => step().then(resolve, reject);
        });
      const publishing = (async () => {
        while (published < COUNT && !stopped) {
          const batch = Array.from({ length: Math.min(50, COUNT - published) }, (_, i) => published + i + 1);
          // One connection, commands in call order: Redis appends them in this order.
          await Promise.all(batch.map((n) => writer.append({ event: 'seq', data: String(n) })));
          published += batch.length;
          if (between) {
            const step = between;
            between = undefined;
            await step();
          }
          await sleep(5);
        }
      })();
      /** Where B's states after the black hole start, and when it began. */
      let blackHole: { mark: number; at: number } | undefined;
      const failures = (async () => {
        await waitFor(() => published >= STOP_A_AT, 20_000, `${STOP_A_AT} events published`);
        await a!.stop();
        proxy.retarget(b!.http.port);
        events.push(`A stopped after ${published}`);
        await waitFor(() => published >= RESTART_REDIS_AT, 20_000, `${RESTART_REDIS_AT} events published`);
        // B's states from the restart on: its loop notices it (a closed connection, or a silent one
        // past the reply deadline) and connects again before the black hole.
        const restartMark = statesOfB.length;
        await betweenBatches(async () => {
          const before = performance.now();
          await redisServer.kill();
          await sleep(100);
          await redisServer.start();
          events.push(`Redis down ${Math.round(performance.now() - before)} ms after ${published}`);
        });
        await waitFor(() => published >= BLACK_HOLE_AT, 20_000, `${BLACK_HOLE_AT} events published`);
        await betweenBatches(async () => {
          // The loop's connection must be open (through the proxy) when the black hole starts.
          const reconnected = (): boolean =>
            statesOfB.slice(restartMark).some(({ state }) => state === 'reconnecting') && stateOfB() === 'connected';
          await waitFor(reconnected, 20_000, "B's read loop connected again after the restart");
          blackHole = { mark: statesOfB.length, at: performance.now() };
          redisProxy.blackHole();
        });
        events.push(`B's Redis connections black-holed after ${published}`);
        const after = (): string[] => statesOfB.slice(blackHole!.mark).map(({ state }) => state);
        await waitFor(
          () => after().includes('reconnecting'),
          20_000,
          "B's read loop reconnecting after the black hole",
        );
        const reconnecting = statesOfB.slice(blackHole!.mark).find(({ state }) => state === 'reconnecting')!;
        events.push(`B reconnecting ${Math.round(reconnecting.at - blackHole!.at)} ms later`);
      })();
      try {
        // '0-0': from the start of the stream, so nothing is missed while a client connects.
        const readFrom0 = (url: string) =>
          readSequence(`${url}/events`, COUNT, { parse: Number, lastEventId: '0-0', timeoutMs: 45_000 });
        // With the failures: one that does not happen fails the test at once.
        const [viaProxy, direct] = await Promise.all([readFrom0(proxy.url), readFrom0(b!.http.url), failures]);
        await waitFor(() => inProcess.at(-1) === COUNT, 20_000, `event ${COUNT} in B's process`);
        await publishing;
        const faults = `${proxy.faults.length}: ${summarizeFaults(proxy.faults)}; ${proxy.refused} refused`;
        const scenario = `instance A shut down, proxy to B; Redis restarted; B black-holed (${events.join('; ')})`;
        rows.push(
          resultRow(`${scenario}; client through the fault proxy`, viaProxy, COUNT, faults),
          resultRow(`${scenario}; client straight to B`, direct, COUNT, 'none (no proxy)'),
        );
        console.log(
          `redis failover: via proxy ${JSON.stringify(tally(viaProxy.received, COUNT))}, ${viaProxy.reconnects} reconnects, ${viaProxy.seconds.toFixed(2)} s; straight to B ${JSON.stringify(tally(direct.received, COUNT))}, ${direct.reconnects} reconnects; in B's process ${JSON.stringify(tally(inProcess, COUNT))}; ${events.join(', ')}; proxy connections ${faults}; B's states ${statesOfB.map(({ state, at }) => `${state}@${Math.round(at - started)}`).join(' ')}`,
        );
        for (const received of [viaProxy.received, direct.received, inProcess])
          expect(received).toEqual(sequence(COUNT));
        expect(events).toHaveLength(4);
        // B's read loop lost Redis at the restart and came back before the black hole...
        expect(statesOfB.slice(0, blackHole!.mark).map(({ state }) => state)).toContain('reconnecting');
        // ...then its XREAD went unanswered past blockMs + replyGraceMs (nothing closed the connection,
        // and the loop ignores socketTimeout): it dropped the connection, opened one and read on.
        const afterBlackHole = statesOfB.slice(blackHole!.mark).map(({ state }) => state);
        expect(afterBlackHole[0]).toBe('reconnecting');
        expect(afterBlackHole.at(-1)).toBe('connected');
        expect(await publisher.xlen(STREAM)).toBe(COUNT);
      } finally {
        stopped = true;
        watchB.unsubscribe();
        inB.unsubscribe();
        await Promise.allSettled([publishing, failures]);
        await proxy.close();
        await a!.stop();
        await b!.stop();
        await redisProxy.close();
        publisher.disconnect();
        await redisServer.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
