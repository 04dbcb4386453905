import { Redis } from 'ioredis';
import { lastValueFrom, type Observable, ReplaySubject, shareReplay, timeout } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { createResumableStreams } from 'sse-rx-server';
import { describe, expect, it } from 'vitest';
import { createRedisResumableStore } from '../src/index.js';
import { startBlackHoleProxy } from './blackHoleProxy.js';
import { collect, useRedisSuite } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

/** Streams followed at once on one instance. */
const N = 50;
/** Tokens of a stream that runs to its end. */
const TOKENS = 40;
/** Tokens of a stream that ends, or is cancelled, early (while the others go on). */
const EARLY = 10;

/** What one follower received, as it arrived. */
interface Follower {
  messages: SseMessage[];
  done: Promise<void>;
}

function followerOf(source$: Observable<SseMessage>): Follower {
  const messages: SseMessage[] = [];
  const done = new Promise<void>((resolve, reject) =>
    source$.pipe(timeout(15_000)).subscribe({ next: (m) => messages.push(m), error: reject, complete: resolve }),
  );
  return { messages, done };
}

/** Polls `condition` every 10 ms until it holds, failing after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The connections the server holds, but the one of `admin` that asks. */
async function connectionsBesides(admin: Redis): Promise<number> {
  const own = await admin.client('ID');
  const list = (await admin.client('LIST')) as string;
  return list.split('\n').filter((line) => line.startsWith('id=') && !line.startsWith(`id=${own} `)).length;
}

describe.skipIf(!redisServerAvailable)('createRedisResumableStore with many streams at once', () => {
  const suite = useRedisSuite();

  it(`reads ${N} followed streams on a bounded number of connections; every follower gets every token once, in order`, async () => {
    // suite.redis is the instance's only client of its own: the store may add its read loop's connection(s).
    await suite.redis.ping();
    expect(await connectionsBesides(suite.publisher)).toBe(1);
    const streams = createResumableStreams({
      store: createRedisResumableStore({ redis: suite.redis, prefix: 'many:', readLoop: { blockMs: 1_000 } }),
    });
    const ids = Array.from({ length: N }, (_, n) => `s${n}`);
    const producers = ids.map(() => new ReplaySubject<SseMessage>());
    const token = (id: string, n: number): SseMessage => ({ event: 'token', data: `${id}:${n}` });
    const followers = new Map<string, Follower[]>(ids.map((id) => [id, []]));
    const tokensOf = (follower: Follower): number => follower.messages.filter((m) => m.event === 'token').length;
    const allHave = (count: number): boolean =>
      ids.every((id) => followers.get(id)!.every((f) => tokensOf(f) >= count));

    // Each stream: the request that starts it, and one follower once it is claimed.
    for (const [n, id] of ids.entries()) followers.get(id)!.push(followerOf(streams.start(id, producers[n]!)));
    for (let n = 0; n < N; n++) producers[n]!.next(token(ids[n]!, 0));
    await until(() => allHave(1), 'the first tokens');
    for (const id of ids) followers.get(id)!.push(followerOf(streams.follow(id)));
    let most = 0;
    for (let round = 1; round < EARLY; round++) {
      for (const [n, id] of ids.entries()) producers[n]!.next(token(id, round));
      most = Math.max(most, await connectionsBesides(suite.publisher));
    }
    await until(() => allHave(EARLY), `${EARLY} tokens everywhere`);
    most = Math.max(most, await connectionsBesides(suite.publisher));

    // The first 10 streams end, the next 10 are cancelled, the others go on; late followers join all.
    const ended = ids.slice(0, 10);
    const cancelled = ids.slice(10, 20);
    for (const n of ended.keys()) producers[n]!.complete();
    await Promise.all(cancelled.map((id) => streams.cancel(id)));
    for (const id of ids) followers.get(id)!.push(followerOf(streams.follow(id)));
    for (let round = EARLY; round < TOKENS; round++) {
      for (let n = 20; n < N; n++) producers[n]!.next(token(ids[n]!, round));
      if (round % 10 === 0) most = Math.max(most, await connectionsBesides(suite.publisher));
    }
    for (let n = 20; n < N; n++) producers[n]!.complete();
    await Promise.all([...followers.values()].flat().map((f) => f.done));

    for (const [n, id] of ids.entries()) {
      const count = n < 20 ? EARLY : TOKENS;
      const expected = [...Array.from({ length: count }, (_, k) => `${id}:${k}`), n < 10 || n >= 20 ? 'end' : 'error'];
      for (const follower of followers.get(id)!) {
        expect(follower.messages.map((m) => (m.event === 'token' ? m.data : m.event))).toEqual(expected);
        if (n >= 10 && n < 20) expect(JSON.parse(follower.messages.at(-1)!.data!).code).toBe('cancelled');
      }
    }
    // The instance's client plus its shared read loop: not one connection per stream.
    expect(most).toBeLessThanOrEqual(3);
    // With nothing followed, the loop's connection is closed.
    await until(async () => (await connectionsBesides(suite.publisher)) === 1, 'the read loop to close');
  });

  it('wakes the blocked read when a stream is followed: its events come at once, not after blockMs (60 s)', async () => {
    const streams = createResumableStreams({
      store: createRedisResumableStore({ redis: suite.redis, prefix: 'wake:', readLoop: { blockMs: 60_000 } }),
    });
    const first = new ReplaySubject<SseMessage>();
    const second = new ReplaySubject<SseMessage>();
    const one = followerOf(streams.start('one', first));
    first.next({ event: 'token', data: 'a' });
    // The loop now blocks on stream one for up to 60 s.
    await until(() => one.messages.length === 1, 'the first stream');
    const two = followerOf(streams.start('two', second));
    second.next({ event: 'token', data: 'b' });
    second.complete();
    await two.done;
    expect(two.messages.map((m) => m.data)).toEqual(['b', '{}']);
    first.complete();
    await one.done;
    expect(one.messages.map((m) => m.data)).toEqual(['a', '{}']);
  });

  it('replaces the shared connection when it goes silent (black-holed) and delivers every event of every stream once', async () => {
    const proxy = await startBlackHoleProxy(suite.server.port);
    const behind = new Redis({ host: '127.0.0.1', port: proxy.port });
    behind.on('error', () => undefined);
    try {
      const here = createRedisResumableStore({
        redis: behind,
        prefix: 'hole:',
        readLoop: { blockMs: 200, replyGraceMs: 300 },
      });
      const there = createRedisResumableStore({ redis: suite.publisher, prefix: 'hole:' });
      const limits = { ttlMs: 60_000, keepMs: 1_000, maxEvents: 100 };
      const ids = ['x', 'y'];
      const producers = await Promise.all(
        ids.map(async (id) => {
          expect(await there.claim(id, limits)).toBe(true);
          return (await there.find(id))!;
        }),
      );
      const followed = await Promise.all(
        ids.map(async (id) =>
          (await here.find(id))!.events.stream('0-0').pipe(shareReplay({ bufferSize: Infinity, refCount: true })),
        ),
      );
      const held = followed.map((messages$) => messages$.subscribe());
      const sent: string[][] = [[], []];
      for (const [n, producer] of producers.entries()) sent[n]!.push(await producer.events.append({ data: '0' }));
      await Promise.all(followed.map((messages$) => collect(messages$, 1)));

      proxy.blackHole();
      for (let k = 1; k <= 50; k++)
        for (const [n, producer] of producers.entries())
          sent[n]!.push(await producer.events.append({ data: String(k) }));
      const received = await Promise.all(followed.map((messages$) => collect(messages$, 51, 15_000)));
      expect(received.map((messages) => messages.map((m) => m.id))).toEqual(sent);
      for (const subscription of held) subscription.unsubscribe();
    } finally {
      behind.disconnect();
      await proxy.close();
    }
  });

  it('ends only the followers of a stream whose key was replaced by another type; the others read on', async () => {
    const store = createRedisResumableStore({ redis: suite.redis, prefix: 'type:', readLoop: { blockMs: 200 } });
    const limits = { ttlMs: 60_000, keepMs: 1_000, maxEvents: 100 };
    const found = await Promise.all(
      ['bad', 'good'].map(async (id) => {
        expect(await store.claim(id, limits)).toBe(true);
        return (await store.find(id))!.events;
      }),
    );
    const bad = lastValueFrom(found[0]!.stream('0-0')).catch((error: Error) => error);
    const good: SseMessage[] = [];
    let goodError: unknown;
    const held = found[1]!.stream('0-0').subscribe({ next: (m) => good.push(m), error: (e) => (goodError = e) });
    const ids = [await found[1]!.append({ data: '0' })];
    await found[0]!.append({ data: '0' });
    await until(() => good.length === 1, 'the first event');
    await suite.publisher.multi().del('type:{bad}').set('type:{bad}', 'not a stream').exec();
    expect(String(await bad)).toMatch(/WRONGTYPE/);
    for (let n = 1; n <= 5; n++) ids.push(await found[1]!.append({ data: String(n) }));
    await until(() => good.length === 6 || goodError !== undefined, 'the other events');
    expect(goodError).toBeUndefined();
    expect(good.map((m) => m.id)).toEqual(ids);
    held.unsubscribe();
  });

  it("reads through a client with a keyPrefix (ioredis adds it to every key, XREAD's reply names the keys with it)", async () => {
    const prefixed = new Redis({ host: '127.0.0.1', port: suite.server.port, keyPrefix: 'app:' });
    try {
      const streams = createResumableStreams({ store: createRedisResumableStore({ redis: prefixed, prefix: 'kp:' }) });
      const tokens$ = new ReplaySubject<SseMessage>();
      const started = followerOf(streams.start('one', tokens$));
      tokens$.next({ event: 'token', data: 'a' });
      await until(() => started.messages.length === 1, 'the first token');
      const late = followerOf(streams.follow('one'));
      tokens$.next({ event: 'token', data: 'b' });
      tokens$.complete();
      await Promise.all([started.done, late.done]);
      for (const follower of [started, late]) expect(follower.messages.map((m) => m.data)).toEqual(['a', 'b', '{}']);
      expect(await suite.publisher.exists('app:kp:{one}')).toBe(1);
    } finally {
      prefixed.disconnect();
    }
  });
});
