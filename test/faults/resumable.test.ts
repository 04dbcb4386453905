import { Redis } from 'ioredis';
import { filter, firstValueFrom, lastValueFrom, map, type Observable, tap, toArray } from 'rxjs';
import { fromResumableSse, fromSse, isSseServerError, type SseEvent } from 'sse-rx-client';
import { createRedisResumableStore } from 'sse-rx-redis';
import {
  createMemoryResumableStore,
  createResumableStreams,
  type ResumableStore,
  type SseMessage,
} from 'sse-rx-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../../packages/redis/test/redisServer.js';
import { type Fault, type FaultProxy, startFaultProxy, summarizeFaults } from '../support/faultProxy.js';
import { startServer, type TestServer, waitFor } from '../support/http.js';
import { type ProducerLog, resumableApp, tokens } from '../support/resumableApp.js';
import { resultRow, useResultsFile } from '../support/sequence.js';

const TOKENS = 2_000;
const TOKENS_TEXT = '2,000';
const rows = useResultsFile(new URL('./results-resumable.md', import.meta.url), [
  '## A resumable answer through disconnects (sse-rx-server, sse-rx-client, sse-rx-redis)',
  '',
  `A producer of ${TOKENS_TEXT} tokens (10 every 2 ms) runs under \`createResumableStreams\`; \`fromResumableSse\` starts it with one POST`,
  'through the fault proxy, whose first three connections break mid-answer (a cut after 9,000 bytes, a TCP reset after',
  '21,000, 5-byte fragments then a cut after 4,000), and resumes with GETs carrying `Last-Event-ID`. On Redis the POST goes',
  'to one instance and every resume to another. The test also checks one POST and one producer subscription per answer.',
  'From `pnpm faults` (the same tests run in `pnpm test` without writing this file).',
]);

const expected = Array.from({ length: TOKENS }, (_, n) => `t${n}`);
/** Faults that break the first three connections through the proxies (the POST's among them) mid-answer; later ones are clean. */
function threeBreaks(): () => Fault {
  const breaks: Fault[] = [
    { kind: 'cut', afterBytes: 9_000 },
    { kind: 'reset', afterBytes: 21_000 },
    { kind: 'fragment', maxBytes: 5, afterBytes: 4_000 },
  ];
  return () => breaks.shift() ?? { kind: 'none' };
}
const noFaults = (): Fault => ({ kind: 'none' });
const fast = { initialDelayMs: 20, maxDelayMs: 200 };

/** One app instance: its streams, HTTP server and fault proxy. */
interface Instance {
  http: TestServer;
  proxy: FaultProxy;
  close(): Promise<void>;
}

async function startInstance(
  store: ResumableStore,
  log: ProducerLog,
  faults: () => Fault,
  produce = (id: string) => tokens(id, TOKENS, log),
): Promise<Instance> {
  const streams = createResumableStreams({ store, ttlMs: 60_000, maxEvents: 5_000 });
  const http = await startServer(resumableApp(streams, produce, log));
  const proxy = await startFaultProxy(http.port, faults);
  return {
    http,
    proxy,
    close: async () => {
      await proxy.close();
      await http.close();
    },
  };
}

/** The tokens of a stream followed by plain GET from its start (or after `lastEventId`), until the end. */
function followAll(url: string, lastEventId = ''): Promise<string[]> {
  return lastValueFrom(
    fromSse(url, { reconnect: false, lastEventId }).pipe(
      filter((event) => event.type === 'token'),
      map((event) => event.data),
      toArray(),
    ),
  );
}

/** The events of an answer through `fromResumableSse`, and how many times it resumed. */
async function answer(startUrl: string, resumeBase: string, streamId: string) {
  const started = performance.now();
  let resumes = 0;
  const events = await lastValueFrom(
    fromResumableSse(startUrl, {
      body: '{"prompt":"count"}',
      streamId,
      resumeUrl: (id) => `${resumeBase}/answers/${id}`,
      reconnect: fast,
      onState: (state) => state.status === 'reconnecting' && resumes++,
    }).pipe(toArray()),
  );
  const seconds = (performance.now() - started) / 1000;
  return { tokens: events.map((event) => event.data), types: new Set(events.map((e) => e.type)), resumes, seconds };
}

/** Runs the shared scenarios against `makeStore()` per instance, with `instances` app instances. */
function scenarios(name: string, makeStore: () => ResumableStore, instances: 1 | 2): void {
  describe(name, () => {
    const setUp = async (
      log: ProducerLog,
      faults = threeBreaks(),
      produce?: (id: string) => Observable<SseMessage>,
    ) => {
      const store = makeStore();
      const first = await startInstance(store, log, faults, produce);
      const second = instances === 2 ? await startInstance(makeStore(), log, faults, produce) : first;
      return {
        start: `${first.proxy.url}/answers`,
        resume: second.proxy.url,
        direct: [first.http.url, second.http.url],
        faults: () => summarizeFaults([...first.proxy.faults, ...(second === first ? [] : second.proxy.faults)]),
        close: async () => {
          await first.close();
          if (second !== first) await second.close();
        },
      };
    };

    it('a 2,000-token answer survives 3 disconnects: every token once, in order, one POST, the producer started once', async () => {
      const log: ProducerLog = { started: [], stopped: [], posts: 0 };
      const app = await setUp(log);
      try {
        const result = await answer(app.start, app.resume, 'answer-1');
        const received = result.tokens.map((token) => Number(token.slice(1)) + 1);
        const run = { received, reconnects: result.resumes, seconds: result.seconds };
        rows.push(resultRow(`${name}: 3 broken connections`, run, TOKENS, `${app.faults()}; ${log.posts} POST`));
        expect(result.tokens).toEqual(expected);
        expect(result.types).toEqual(new Set(['token']));
        expect(result.resumes).toBe(3);
        expect(log.posts).toBe(1);
        expect(log.started).toEqual(['answer-1']);
      } finally {
        await app.close();
      }
    }, 30_000);

    it('followers that join late, or at once, each get the whole answer', async () => {
      const log: ProducerLog = { started: [], stopped: [], posts: 0 };
      const app = await setUp(log, noFaults);
      try {
        const started = answer(app.start, app.resume, 'answer-2');
        await waitFor(() => log.started.length === 1, 10_000, 'the producer');
        const during = [0, 1].map((i) => followAll(`${app.direct[i]}/answers/answer-2`));
        const result = await started;
        const late = await followAll(`${app.direct[1]}/answers/answer-2`);
        expect(result.tokens).toEqual(expected);
        for (const follower of await Promise.all(during)) expect(follower).toEqual(expected);
        expect(late).toEqual(expected);
        // A follower resuming from a token's id gets the rest only.
        const ids = await lastValueFrom(
          fromSse(`${app.direct[1]}/answers/answer-2`, { reconnect: false }).pipe(toArray()),
        );
        const rest = await followAll(`${app.direct[0]}/answers/answer-2`, ids[1499]!.lastEventId);
        expect(rest).toEqual(expected.slice(1500));
        expect(log.started).toHaveLength(1);
      } finally {
        await app.close();
      }
    }, 30_000);

    it('cancel from another request stops the producer and ends every follower with a cancelled error', async () => {
      const log: ProducerLog = { started: [], stopped: [], posts: 0 };
      const app = await setUp(log, noFaults, (id) => tokens(id, 1_000_000, log));
      try {
        const seen: SseEvent[] = [];
        const ended = lastValueFrom(
          fromResumableSse(app.start, {
            streamId: 'answer-3',
            resumeUrl: (id) => `${app.resume}/answers/${id}`,
          }).pipe(tap((event) => seen.push(event))),
        ).then(
          () => 'completed',
          (error: unknown) => error,
        );
        await waitFor(() => seen.length >= 50, 10_000, '50 tokens');
        const follower = firstValueFrom(
          fromSse(`${app.direct[1]}/answers/answer-3`, { reconnect: false }).pipe(filter(() => false)),
          { defaultValue: 'completed' },
        ).catch((error: unknown) => error);
        const cancelled = await fetch(`${app.direct[1]}/answers/answer-3`, { method: 'DELETE' });
        expect(await cancelled.json()).toBe('cancelled');
        await waitFor(() => log.stopped.length === 1, 10_000, 'the producer unsubscribed');
        for (const outcome of [await ended, await follower]) {
          expect(isSseServerError(outcome)).toBe(true);
          expect((outcome as { code?: string }).code).toBe('cancelled');
        }
        const tokensAtStop = seen.length;
        // Nothing more is produced: a follower now sees the same tokens, then the error.
        const replay = await lastValueFrom(
          fromSse(`${app.direct[0]}/answers/answer-3`, { reconnect: false, serverErrors: false }).pipe(toArray()),
        );
        expect(replay.at(-1)?.type).toBe('error');
        expect(replay.length - 1).toBeGreaterThanOrEqual(tokensAtStop);
        expect(log.started).toEqual(['answer-3']);
        const again = await fetch(`${app.direct[0]}/answers/answer-3`, { method: 'DELETE' });
        expect(await again.json()).toBe('ended');
      } finally {
        await app.close();
      }
    }, 30_000);
  });
}

scenarios('resumable streams in memory, through the fault proxy', createMemoryResumableStore, 1);

describe.skipIf(!redisServerAvailable)('on Redis, two instances', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.kill();
  });
  const redisStore = (): ResumableStore => {
    const redis = new Redis({ host: '127.0.0.1', port: server.port });
    redis.on('error', () => undefined);
    clients.push(redis);
    return createRedisResumableStore({ redis, readLoop: { blockMs: 500 } });
  };
  scenarios('resumable streams on Redis: started on one instance, resumed and cancelled on the other', redisStore, 2);
});
