import type { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamHub, publish } from '../src/index.js';
import { collect, connect, connectionsNamed, whenState } from './helpers.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('createStreamHub', () => {
  let server: RedisServer;
  let publisher: Redis;
  const clients: Redis[] = [];
  const client = (): Redis => {
    const redis = connect(server.port);
    clients.push(redis);
    return redis;
  };
  beforeAll(async () => {
    server = await startRedisServer();
    publisher = client();
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await server?.kill();
  });

  it('delivers every event once and in order to every subscriber of three hubs', async () => {
    const hubs = [0, 1, 2].map(() => createStreamHub({ redis: client(), stream: 'fan' }));
    const received = hubs.flatMap((hub) => [0, 1, 2, 3].map(() => collect(hub.stream(), 100)));
    await Promise.all(hubs.map((hub) => whenState(hub, 'connected')));
    const ids: string[] = [];
    for (let n = 0; n < 100; n++) ids.push(await publish(publisher, 'fan', { event: 'n', data: String(n) }));
    const expected: SseMessage[] = ids.map((id, n) => ({ id, event: 'n', data: String(n) }));
    for (const messages of await Promise.all(received)) expect(messages).toEqual(expected);
  });

  it('runs one read loop connection per hub whatever the number of subscribers', async () => {
    const name = 'loops-test';
    const hubs = [0, 1, 2].map(() => createStreamHub({ redis: client(), stream: 'loops', connectionName: name }));
    const subscriptions: Subscription[] = hubs.flatMap((hub) =>
      Array.from({ length: 20 }, () => hub.stream().subscribe()),
    );
    await Promise.all(hubs.map((hub) => whenState(hub, 'connected')));
    expect(await connectionsNamed(publisher, name)).toBe(3);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  it('closes the read loop connection when the last subscriber leaves, and reopens it for the next', async () => {
    const name = 'last-leaves';
    const hub = createStreamHub({ redis: client(), stream: 'last', connectionName: name });
    const states: string[] = [];
    hub.state$.subscribe((state) => states.push(state));
    const first = hub.stream().subscribe();
    const second = hub.stream().subscribe();
    await whenState(hub, 'connected');
    first.unsubscribe();
    expect(await connectionsNamed(publisher, name)).toBe(1);
    second.unsubscribe();
    expect(states.at(-1)).toBe('idle');
    let open = 1;
    for (let attempt = 0; attempt < 50 && open > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = await connectionsNamed(publisher, name);
    }
    expect(open).toBe(0);

    const again = collect(hub.stream(), 1);
    await whenState(hub, 'connected');
    const id = await publish(publisher, 'last', { data: 'back' });
    expect(await again).toEqual([{ id, data: 'back' }]);
    expect(states).toEqual(['idle', 'connecting', 'connected', 'idle', 'connecting', 'connected', 'idle']);
  });

  it('keeps reading through quiet periods longer than blockMs and than the client commandTimeout', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis({ host: '127.0.0.1', port: server.port, commandTimeout: 100 });
    clients.push(redis);
    const hub = createStreamHub({ redis, stream: 'quiet', blockMs: 150 });
    const received = collect(hub.stream(), 1);
    await whenState(hub, 'connected');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const id = await publish(publisher, 'quiet', { data: 'late' });
    expect(await received).toEqual([{ id, data: 'late' }]);
  });

  it('errors its subscribers when the key is not a stream', async () => {
    await publisher.set('not-a-stream', 'x');
    const hub = createStreamHub({ redis: client(), stream: 'not-a-stream' });
    await expect(collect(hub.stream(), 1)).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses a blockMs or replyGraceMs below 1 or a count below one with a TypeError', () => {
    expect(() => createStreamHub({ redis: publisher, stream: 's', blockMs: -1 })).toThrow(/blockMs/);
    expect(() => createStreamHub({ redis: publisher, stream: 's', blockMs: 0 })).toThrow(
      /blockMs must be an integer >= 1/,
    );
    expect(() => createStreamHub({ redis: publisher, stream: 's', replyGraceMs: 0 })).toThrow(/replyGraceMs/);
    expect(() => createStreamHub({ redis: publisher, stream: 's', count: 0 })).toThrow(TypeError);
  });
});
