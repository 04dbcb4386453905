import { Redis } from 'ioredis';
import { shareReplay } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { type BlackHoleProxy, startBlackHoleProxy } from './blackHoleProxy.js';
import { append, collect, useRedisSuite, whenState } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('a store whose Redis connection goes silent', () => {
  const suite = useRedisSuite();
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('drops a black-holed connection after blockMs plus replyGraceMs, reconnects and delivers every event once', async () => {
    const proxy: BlackHoleProxy = await startBlackHoleProxy(suite.server.port);
    const redis = new Redis({ host: '127.0.0.1', port: proxy.port });
    redis.on('error', () => undefined);
    cleanup.push(
      () => proxy.close(),
      () => redis.disconnect(),
    );
    const store = createRedisStore({ redis, stream: 'hole', blockMs: 200, replyGraceMs: 300 });
    const states: string[] = [];
    const watch = store.state$.subscribe((state) => states.push(state));
    const messages$ = store.stream().pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = messages$.subscribe();
    cleanup.push(
      () => held.unsubscribe(),
      () => watch.unsubscribe(),
    );
    await whenState(store, 'connected');
    const ids = [await append(suite.publisher, 'hole', { data: '0' })];
    await collect(messages$, 1);

    proxy.blackHole();
    // Acknowledged by Redis while the store's connection is silent.
    for (let n = 1; n <= 100; n++) ids.push(await append(suite.publisher, 'hole', { data: String(n) }));

    const messages = await collect(messages$, 101, 15_000);
    expect(messages.map((m) => m.id)).toEqual(ids);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('connected');
  });

  it('reports reconnecting while redis-server is frozen (SIGSTOP) and delivers every event once after it resumes', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: suite.server.port });
    redis.on('error', () => undefined);
    cleanup.push(() => redis.disconnect());
    const store = createRedisStore({ redis, stream: 'frozen', blockMs: 200, replyGraceMs: 300 });
    const messages$ = store.stream().pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = messages$.subscribe();
    cleanup.push(() => held.unsubscribe());
    await whenState(store, 'connected');
    const ids = [await append(suite.publisher, 'frozen', { data: '0' })];
    await collect(messages$, 1);

    suite.server.pause();
    cleanup.push(() => suite.server.resume());
    // Sent now, applied when the server runs again.
    const during = Array.from({ length: 10 }, (_, n) => append(suite.publisher, 'frozen', { data: `${n + 1}` }));
    await whenState(store, 'reconnecting');
    suite.server.resume();
    ids.push(...(await Promise.all(during)));
    await whenState(store, 'connected');
    for (let n = 11; n <= 20; n++) ids.push(await append(suite.publisher, 'frozen', { data: String(n) }));

    const messages = await collect(messages$, 21);
    expect(messages.map((m) => m.id)).toEqual(ids);
  });
});
