import { shareReplay } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { append, collect, useRedisSuite, whenState } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('a store whose Redis goes away', () => {
  const suite = useRedisSuite();

  it('reports reconnecting, then connected, and delivers the events published after a restart', async () => {
    const store = createRedisStore({ redis: suite.redis, stream: 'crash' });
    const states: string[] = [];
    const stateSubscription = store.state$.subscribe((state) => states.push(state));
    const messages$ = store.stream().pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = messages$.subscribe();
    await whenState(store, 'connected');
    const before = await append(suite.publisher, 'crash', { data: 'before' });
    expect(await collect(messages$, 1)).toEqual([{ id: before, data: 'before' }]);

    await suite.server.kill();
    // Room for a loaded machine (the engines run shares 2 cores): ioredis backs off up to 2 s a try.
    await whenState(store, 'reconnecting', 20_000);
    await suite.server.start();
    await whenState(store, 'connected', 20_000);
    // The restarted server is empty (no persistence): its new ids are later in time than `before`.
    const after: string[] = [];
    for (let n = 0; n < 5; n++) after.push(await append(suite.publisher, 'crash', { data: `after ${n}` }));

    const messages = await collect(messages$, 6);
    expect(messages.slice(1)).toEqual(after.map((id, n) => ({ id, data: `after ${n}` })));
    expect(states.slice(0, 3)).toEqual(['idle', 'connecting', 'connected']);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('connected');
    held.unsubscribe();
    stateSubscription.unsubscribe();
  }, 60_000);

  it('delivers the events published while its connection was down, continuing from the last id it saw', async () => {
    const store = createRedisStore({ redis: suite.redis, stream: 'cut', connectionName: 'cut-loop' });
    const states: string[] = [];
    const stateSubscription = store.state$.subscribe((state) => states.push(state));
    const messages$ = store.stream().pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = messages$.subscribe();
    await whenState(store, 'connected');
    const ids = [await append(suite.publisher, 'cut', { data: '0' })];
    await collect(messages$, 1);

    const list = (await suite.publisher.client('LIST')) as string;
    const loopId = /id=(\d+) [^\n]* name=cut-loop /.exec(list)?.[1];
    expect(loopId).toBeDefined();
    await suite.publisher.client('KILL', 'ID', loopId as string);
    for (let n = 1; n <= 20; n++) ids.push(await append(suite.publisher, 'cut', { data: String(n) }));

    const messages = await collect(messages$, 21);
    expect(messages.map((m) => m.id)).toEqual(ids);
    expect(states).toContain('reconnecting');
    held.unsubscribe();
    stateSubscription.unsubscribe();
  });
});
