import { firstValueFrom, shareReplay, takeWhile, timeout, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { append, collect, useRedisSuite, whenState } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('resuming from a Last-Event-ID', () => {
  const suite = useRedisSuite();

  it('replays the events after the id, then the live ones, with no gap and no duplicate while publishing goes on', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 50; n++) ids.push(await append(suite.publisher, 'seq', { data: String(n) }));
    const last = 400;
    const publishing = (async () => {
      for (let n = 50; n <= last; n++) ids.push(await append(suite.publisher, 'seq', { data: String(n) }));
    })();
    // Clients arrive at different moments of the publishing, each on a fresh store (it is then the
    // first subscriber, whose loop starts during the catch-up) and on one shared, running store.
    const shared = createRedisStore({ redis: suite.redis, stream: 'seq' });
    const keepAlive = shared.stream().subscribe();
    const runs: Promise<void>[] = [];
    for (let client = 0; client < 8; client++) {
      const from = client * 5;
      const store = client % 2 === 0 ? shared : createRedisStore({ redis: suite.redis, stream: 'seq' });
      const lastEventId = ids[from] as string;
      const received = firstValueFrom(
        store.stream(lastEventId).pipe(
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
    const first = await append(suite.publisher, 'ids', { data: 'a' });
    const second = await append(suite.publisher, 'ids', { event: 'e', data: 'b' });
    const store = createRedisStore({ redis: suite.redis, stream: 'ids' });
    expect(await collect(store.stream(first), 1)).toEqual([{ id: second, event: 'e', data: 'b' }]);
  });

  it('answers an id that is not a stream id with a reset (reason malformed, id the newest), then the live events', async () => {
    const newest = await append(suite.publisher, 'bad', { data: 'x' });
    const store = createRedisStore({ redis: suite.redis, stream: 'bad' });
    for (const bad of ['abc', '12', '1-2-3', '-1-0', '1-0 ', '99999999999999999999-0', '1'.repeat(300)]) {
      const [reset] = await collect(store.stream(bad), 1);
      const lastEventId = bad.length > 64 ? `${bad.slice(0, 64)}…` : bad;
      expect(reset).toEqual({ event: 'reset', data: JSON.stringify({ reason: 'malformed', lastEventId }), id: newest });
    }
  });

  it('accepts ids with leading zeros and an empty id means live only', async () => {
    const id = await append(suite.publisher, 'zeros', { data: 'x' });
    const [ms, seq] = id.split('-');
    const store = createRedisStore({ redis: suite.redis, stream: 'zeros' });
    const live = collect(store.stream(''), 1);
    const resumed = collect(store.stream(`000${ms}-0${seq}`), 1);
    await whenState(store, 'connected');
    const next = await append(suite.publisher, 'zeros', { data: 'y' });
    expect(await live).toEqual([{ id: next, data: 'y' }]);
    expect(await resumed).toEqual([{ id: next, data: 'y' }]);
  });

  it('sends a reset (reason trimmed, id the newest) when the id is older than the trimmed history', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 30; n++)
      ids.push(await append(suite.publisher, 'trim', { data: String(n) }, { maxEvents: 10, exactTrim: true }));
    const store = createRedisStore({ redis: suite.redis, stream: 'trim' });
    const stream$ = store.stream(ids[2]).pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = stream$.subscribe();
    expect(await collect(stream$, 1)).toEqual([
      { event: 'reset', data: JSON.stringify({ reason: 'trimmed', lastEventId: ids[2] }), id: ids[29] },
    ]);
    const next = await append(suite.publisher, 'trim', { data: '30' });
    expect((await collect(stream$, 2))[1]).toEqual({ id: next, data: '30' });
    held.unsubscribe();
  });

  it('replays without a reset when the id is still inside the trimmed history', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 30; n++)
      ids.push(await append(suite.publisher, 'kept', { data: String(n) }, { maxEvents: 10, exactTrim: true }));
    const store = createRedisStore({ redis: suite.redis, stream: 'kept' });
    const messages = await collect(store.stream(ids[25]), 4);
    expect(messages.map((m) => m.data)).toEqual(['26', '27', '28', '29']);
  });

  it('resets a client holding an id of a stream that is gone (reason unknown, id 0-0); 0-0 itself waits for the first event', async () => {
    const store = createRedisStore({ redis: suite.redis, stream: 'fresh' });
    const gone$ = store.stream('1-0').pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = gone$.subscribe();
    const fromStart = collect(store.stream('0-0'), 1);
    expect(await collect(gone$, 1)).toEqual([
      { event: 'reset', data: JSON.stringify({ reason: 'unknown', lastEventId: '1-0' }), id: '0-0' },
    ]);
    const id = await append(suite.publisher, 'fresh', { data: 'first' });
    expect(await fromStart).toEqual([{ id, data: 'first' }]);
    expect((await collect(gone$, 2))[1]).toEqual({ id, data: 'first' });
    held.unsubscribe();
  });
});
