import { firstValueFrom, shareReplay, takeWhile, timeout, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createStreamHub, publish, SseResumeError } from '../src/index.js';
import { collect, useRedisSuite, whenState } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('resuming from a Last-Event-ID', () => {
  const suite = useRedisSuite();

  it('replays the events after the id, then the live ones, with no gap and no duplicate while publishing goes on', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 50; n++) ids.push(await publish(suite.publisher, 'seq', { data: String(n) }));
    const last = 400;
    const publishing = (async () => {
      for (let n = 50; n <= last; n++) ids.push(await publish(suite.publisher, 'seq', { data: String(n) }));
    })();
    // Clients arrive at different moments of the publishing, each on a fresh hub (it is then the
    // first subscriber, whose loop starts during the catch-up) and on one shared, running hub.
    const shared = createStreamHub({ redis: suite.redis, stream: 'seq' });
    const keepAlive = shared.stream().subscribe();
    const runs: Promise<void>[] = [];
    for (let client = 0; client < 8; client++) {
      const from = client * 5;
      const hub = client % 2 === 0 ? shared : createStreamHub({ redis: suite.redis, stream: 'seq' });
      const lastEventId = ids[from] as string;
      const received = firstValueFrom(
        hub.stream(lastEventId).pipe(
          takeWhile((message) => message.data !== String(last), true),
          toArray(),
          timeout(15_000),
        ),
      );
      runs.push(
        received.then((messages) => {
          expect(messages.map((m) => Number(m.data))).toEqual(
            Array.from({ length: last - from }, (_, i) => from + 1 + i),
          );
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await publishing;
    await Promise.all(runs);
    keepAlive.unsubscribe();
  });

  it('gives a message id equal to the stream id so a reconnect can resume from it', async () => {
    const first = await publish(suite.publisher, 'ids', { data: 'a' });
    const second = await publish(suite.publisher, 'ids', { event: 'e', data: 'b' });
    const hub = createStreamHub({ redis: suite.redis, stream: 'ids' });
    expect(await collect(hub.stream(first), 1)).toEqual([{ id: second, event: 'e', data: 'b' }]);
  });

  it('fails with a malformed-id SseResumeError (status 400) for an id that is not a stream id', async () => {
    const hub = createStreamHub({ redis: suite.redis, stream: 'seq' });
    for (const bad of ['abc', '12', '1-2-3', '-1-0', '1-0 ', '99999999999999999999-0', '1'.repeat(300)]) {
      const error = await firstValueFrom(hub.stream(bad)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SseResumeError);
      expect(error).toMatchObject({ name: 'SseResumeError', type: 'malformed-id', status: 400 });
      expect((error as SseResumeError).lastEventId.length).toBeLessThanOrEqual(256);
    }
  });

  it('accepts ids with leading zeros and an empty id means live only', async () => {
    const id = await publish(suite.publisher, 'zeros', { data: 'x' });
    const [ms, seq] = id.split('-');
    const hub = createStreamHub({ redis: suite.redis, stream: 'zeros' });
    const live = collect(hub.stream(''), 1);
    const resumed = collect(hub.stream(`000${ms}-0${seq}`), 1);
    await whenState(hub, 'connected');
    const next = await publish(suite.publisher, 'zeros', { data: 'y' });
    expect(await live).toEqual([{ id: next, data: 'y' }]);
    expect(await resumed).toEqual([{ id: next, data: 'y' }]);
  });

  it('sends a reset (reason trimmed, id the newest) when the id is older than the trimmed history', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 30; n++)
      ids.push(await publish(suite.publisher, 'trim', { data: String(n) }, { maxLen: 10, exact: true }));
    const hub = createStreamHub({ redis: suite.redis, stream: 'trim' });
    const stream$ = hub.stream(ids[2]).pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = stream$.subscribe();
    expect(await collect(stream$, 1)).toEqual([
      { event: 'reset', data: JSON.stringify({ reason: 'trimmed', lastEventId: ids[2] }), id: ids[29] },
    ]);
    const next = await publish(suite.publisher, 'trim', { data: '30' });
    expect((await collect(stream$, 2))[1]).toEqual({ id: next, data: '30' });
    held.unsubscribe();
  });

  it('replays without a reset when the id is still inside the trimmed history', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 30; n++)
      ids.push(await publish(suite.publisher, 'kept', { data: String(n) }, { maxLen: 10, exact: true }));
    const hub = createStreamHub({ redis: suite.redis, stream: 'kept' });
    const messages = await collect(hub.stream(ids[25]), 4);
    expect(messages.map((m) => m.data)).toEqual(['26', '27', '28', '29']);
  });

  it('resets a client holding an id of a stream that is gone (reason unknown, id 0-0); 0-0 itself waits for the first event', async () => {
    const hub = createStreamHub({ redis: suite.redis, stream: 'fresh' });
    const gone$ = hub.stream('1-0').pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = gone$.subscribe();
    const fromStart = collect(hub.stream('0-0'), 1);
    expect(await collect(gone$, 1)).toEqual([
      { event: 'reset', data: JSON.stringify({ reason: 'unknown', lastEventId: '1-0' }), id: '0-0' },
    ]);
    const id = await publish(suite.publisher, 'fresh', { data: 'first' });
    expect(await fromStart).toEqual([{ id, data: 'first' }]);
    expect((await collect(gone$, 2))[1]).toEqual({ id, data: 'first' });
    held.unsubscribe();
  });
});
