import type { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { answered, append, collect, connect, connectionsNamed, whenState } from './helpers.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('createRedisStore', () => {
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

  it('delivers every event once and in order to every subscriber of three stores', async () => {
    const stores = [0, 1, 2].map(() => createRedisStore({ redis: client(), stream: 'fan' }));
    const received = stores.flatMap((store) => [0, 1, 2, 3].map(() => collect(store.stream(), 100)));
    await Promise.all(stores.map((store) => whenState(store, 'connected')));
    // The subscribers' newest-id asks, on the stores' own connections, before the first append.
    await answered(...clients);
    const ids: string[] = [];
    for (let n = 0; n < 100; n++) ids.push(await append(publisher, 'fan', { event: 'n', data: String(n) }));
    const expected: SseMessage[] = ids.map((id, n) => ({ id, event: 'n', data: String(n) }));
    for (const messages of await Promise.all(received)) expect(messages).toEqual(expected);
  });

  it('hands out frozen messages, live and replayed, so a sink encodes each once for all its clients', async () => {
    const store = createRedisStore({ redis: client(), stream: 'frozen' });
    const live = collect(store.stream(), 2);
    await whenState(store, 'connected');
    await answered(...clients);
    const first = await append(publisher, 'frozen', { data: 'é 1' });
    await append(publisher, 'frozen', { event: 'n', data: 'é 2' });
    const replayed = await collect(store.stream(first), 1);
    for (const message of [...(await live), ...replayed]) expect(Object.isFrozen(message)).toBe(true);
  });

  it('runs one read loop connection per store whatever the number of subscribers', async () => {
    const name = 'loops-test';
    const stores = [0, 1, 2].map(() => createRedisStore({ redis: client(), stream: 'loops', connectionName: name }));
    const subscriptions: Subscription[] = stores.flatMap((store) =>
      Array.from({ length: 20 }, () => store.stream().subscribe()),
    );
    await Promise.all(stores.map((store) => whenState(store, 'connected')));
    expect(await connectionsNamed(publisher, name)).toBe(3);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  it('closes the read loop connection when the last subscriber leaves, and reopens it for the next', async () => {
    const name = 'last-leaves';
    const store = createRedisStore({ redis: client(), stream: 'last', connectionName: name });
    const states: string[] = [];
    store.state$.subscribe((state) => states.push(state));
    const first = store.stream().subscribe();
    const second = store.stream().subscribe();
    await whenState(store, 'connected');
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

    const again = collect(store.stream(), 1);
    await whenState(store, 'connected');
    const id = await append(publisher, 'last', { data: 'back' });
    expect(await again).toEqual([{ id, data: 'back' }]);
    expect(states).toEqual(['idle', 'connecting', 'connected', 'idle', 'connecting', 'connected', 'idle']);
  });

  it('keeps reading, connected, through quiet periods longer than blockMs, the client commandTimeout and socketTimeout', async () => {
    const { Redis } = await import('ioredis');
    // The timeouts leave room for the store's own commands on a busy machine, and stay below blockMs.
    const redis = new Redis({ host: '127.0.0.1', port: server.port, commandTimeout: 300, socketTimeout: 300 });
    clients.push(redis);
    const store = createRedisStore({ redis, stream: 'quiet', blockMs: 400 });
    const states: string[] = [];
    const watch = store.state$.subscribe((state) => states.push(state));
    const received = collect(store.stream(), 1);
    await whenState(store, 'connected');
    await new Promise((resolve) => setTimeout(resolve, 900));
    const id = await append(publisher, 'quiet', { data: 'late' });
    expect(await received).toEqual([{ id, data: 'late' }]);
    watch.unsubscribe();
    expect(states).toEqual(['idle', 'connecting', 'connected', 'idle']);
  });

  it('errors its subscribers when the key is not a stream', async () => {
    await publisher.set('not-a-stream', 'x');
    const store = createRedisStore({ redis: client(), stream: 'not-a-stream' });
    await expect(collect(store.stream(), 1)).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses a blockMs or replyGraceMs below 1 or a maxEntriesPerRead below one with a TypeError', () => {
    expect(() => createRedisStore({ redis: publisher, stream: 's', blockMs: -1 })).toThrow(/blockMs/);
    expect(() => createRedisStore({ redis: publisher, stream: 's', blockMs: 0 })).toThrow(
      /blockMs must be an integer >= 1/,
    );
    expect(() => createRedisStore({ redis: publisher, stream: 's', replyGraceMs: 0 })).toThrow(/replyGraceMs/);
    expect(() => createRedisStore({ redis: publisher, stream: 's', maxEntriesPerRead: 0 })).toThrow(TypeError);
  });
});
