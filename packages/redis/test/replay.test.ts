import { shareReplay, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createStreamHub, publish } from '../src/index.js';
import { collect, useRedisSuite, whenState } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

const MAX_ID = '18446744073709551615-18446744073709551615';

describe.skipIf(!redisServerAvailable)('replaying after a Last-Event-ID', () => {
  const suite = useRedisSuite();

  /** Bytes redis-server has sent to its clients so far (`INFO stats`). */
  const netOutput = async (): Promise<number> =>
    Number(/total_net_output_bytes:(\d+)/.exec(await suite.publisher.info('stats'))?.[1]);

  it('answers an id from the future with a reset (reason future, id the newest), then the live events', async () => {
    let newest = await publish(suite.publisher, 'future', { data: 'x' });
    const hub = createStreamHub({ redis: suite.redis, stream: 'future' });
    for (const lastEventId of ['99999999999999-0', MAX_ID]) {
      const stream$ = hub.stream(lastEventId).pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
      const held = stream$.subscribe();
      expect(await collect(stream$, 1, 5_000)).toEqual([
        { event: 'reset', data: JSON.stringify({ reason: 'future', lastEventId }), id: newest },
      ]);
      const next = await publish(suite.publisher, 'future', { data: 'live' });
      expect((await collect(stream$, 2, 5_000))[1]).toEqual({ id: next, data: 'live' });
      held.unsubscribe();
      newest = next;
    }
  });

  it('reads a replay page by page: a client that leaves after 10 of 2,000 events costs Redis a page, not the backlog', async () => {
    const data = 'x'.repeat(4096);
    const ids: string[] = [];
    for (let n = 0; n < 2000; n += 100) {
      const batch = Array.from({ length: 100 }, () =>
        publish(suite.publisher, 'pages', { data }, { maxLen: Infinity }),
      );
      ids.push(...(await Promise.all(batch)));
    }
    const hub = createStreamHub({ redis: suite.redis, stream: 'pages', maxReplay: Infinity });
    const keepAlive = hub.stream().subscribe();
    await whenState(hub, 'connected');
    const before = await netOutput();
    const messages = await collect(hub.stream('0-0').pipe(take(10)), 10);
    expect(messages.map((m) => m.id)).toEqual(ids.slice(0, 10));
    // Let a read still in flight finish before measuring.
    await suite.redis.ping();
    const sent = (await netOutput()) - before;
    expect(sent).toBeLessThan(2 * 100 * 4200);
    keepAlive.unsubscribe();
  });

  it('answers a client more than maxReplay events behind with a reset (reason trimmed), then the live events', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 30; n++) ids.push(await publish(suite.publisher, 'capped', { data: String(n) }));
    const hub = createStreamHub({ redis: suite.redis, stream: 'capped', maxReplay: 20 });
    expect((await collect(hub.stream(ids[9]), 20)).map((m) => m.data)).toEqual(
      Array.from({ length: 20 }, (_, n) => String(n + 10)),
    );
    const stream$ = hub.stream(ids[8]).pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = stream$.subscribe();
    expect(await collect(stream$, 1)).toEqual([
      { event: 'reset', data: JSON.stringify({ reason: 'trimmed', lastEventId: ids[8] }), id: ids[29] },
    ]);
    const next = await publish(suite.publisher, 'capped', { data: 'live' });
    expect((await collect(stream$, 2))[1]).toEqual({ id: next, data: 'live' });
    held.unsubscribe();
  });

  it('replays more than one page with no gap and no duplicate while publishing goes on', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 250; n++) ids.push(await publish(suite.publisher, 'long', { data: String(n) }));
    const hub = createStreamHub({ redis: suite.redis, stream: 'long', maxReplay: Infinity });
    const received = collect(hub.stream(ids[0]), 349);
    for (let n = 250; n < 350; n++) ids.push(await publish(suite.publisher, 'long', { data: String(n) }));
    expect((await received).map((m) => m.id)).toEqual(ids.slice(1));
  });
});
