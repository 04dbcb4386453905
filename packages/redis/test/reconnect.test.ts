import type { Redis } from 'ioredis';
import { shareReplay } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamHub, publish } from '../src/index.js';
import { collect, connect, whenState } from './helpers.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('a hub whose Redis goes away', () => {
  let server: RedisServer;
  let redis: Redis;
  let publisher: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = connect(server.port);
    publisher = connect(server.port);
  });
  afterAll(async () => {
    redis?.disconnect();
    publisher?.disconnect();
    await server?.kill();
  });

  it('reports reconnecting, then connected, and delivers the events published after a restart', async () => {
    const hub = createStreamHub({ redis, stream: 'crash' });
    const states: string[] = [];
    const stateSubscription = hub.state$.subscribe((state) => states.push(state));
    const messages$ = hub.stream().pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = messages$.subscribe();
    await whenState(hub, 'connected');
    const before = await publish(publisher, 'crash', { data: 'before' });
    expect(await collect(messages$, 1)).toEqual([{ id: before, data: 'before' }]);

    await server.kill();
    await whenState(hub, 'reconnecting');
    await server.start();
    await whenState(hub, 'connected');
    // The restarted server is empty (no persistence): its new ids are later in time than `before`.
    const after: string[] = [];
    for (let n = 0; n < 5; n++) after.push(await publish(publisher, 'crash', { data: `after ${n}` }));

    const messages = await collect(messages$, 6);
    expect(messages.slice(1)).toEqual(after.map((id, n) => ({ id, data: `after ${n}` })));
    expect(states.slice(0, 3)).toEqual(['idle', 'connecting', 'connected']);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('connected');
    held.unsubscribe();
    stateSubscription.unsubscribe();
  });

  it('delivers the events published while its connection was down, continuing from the last id it saw', async () => {
    const hub = createStreamHub({ redis, stream: 'cut', connectionName: 'cut-loop' });
    const states: string[] = [];
    const stateSubscription = hub.state$.subscribe((state) => states.push(state));
    const messages$ = hub.stream().pipe(shareReplay({ bufferSize: Infinity, refCount: true }));
    const held = messages$.subscribe();
    await whenState(hub, 'connected');
    const ids = [await publish(publisher, 'cut', { data: '0' })];
    await collect(messages$, 1);

    const list = (await publisher.client('LIST')) as string;
    const loopId = /id=(\d+) [^\n]* name=cut-loop /.exec(list)?.[1];
    expect(loopId).toBeDefined();
    await publisher.client('KILL', 'ID', loopId as string);
    for (let n = 1; n <= 20; n++) ids.push(await publish(publisher, 'cut', { data: String(n) }));

    const messages = await collect(messages$, 21);
    expect(messages.map((m) => m.id)).toEqual(ids);
    expect(states).toContain('reconnecting');
    held.unsubscribe();
    stateSubscription.unsubscribe();
  });
});
