import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, type EventStore, readLastEventId, sendEvents } from '../src/index.js';
import { counted, decode, listen, type TestServer, until } from './helpers.js';

const data = (messages: SseMessage[]) => messages.map((message) => `${seqOf(message.id)}:${message.data}`);
/** The number at the end of a memory store id (`<epoch>:<n>`). */
const seqOf = (id: string | undefined) => Number(id?.split(':')[1]);
const appendAll = async (store: EventStore, ...texts: string[]) => {
  const ids: string[] = [];
  for (const text of texts) ids.push(await store.append({ data: text }));
  return ids;
};
/** The messages `store.stream(lastEventId)` sends at once. */
const now = (store: EventStore, lastEventId?: string) => {
  const got: SseMessage[] = [];
  store
    .stream(lastEventId)
    .subscribe((message) => got.push(message))
    .unsubscribe();
  return got;
};

let servers: TestServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const server of servers) await server.close();
  servers = [];
});

/** Reads `count` events of a stream (fewer if it ends), sending `lastEventId` as the header. */
async function readEvents(url: string, count: number, lastEventId?: string) {
  const controller = new AbortController();
  const headers: Record<string, string> = lastEventId ? { 'last-event-id': lastEventId } : {};
  const reader = (await fetch(url, { headers, signal: controller.signal })).body!.getReader();
  let text = '';
  for (let reads = 0; reads < 1000 && decode(text).events.length < count; reads++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  return decode(text).events.slice(0, count);
}

describe('createMemoryStore', () => {
  it('numbers events from 1 under its epoch, and sends every client the same frozen message', async () => {
    const store = createMemoryStore();
    const a: SseMessage[] = [];
    const b: SseMessage[] = [];
    store.stream().subscribe((m) => a.push(m));
    store.stream().subscribe((m) => b.push(m));
    const ids = await appendAll(store, 'x', 'y');
    expect(ids[0]).toMatch(/^[0-9a-z]+\.\d+:1$/);
    expect(ids[1]).toBe(ids[0]!.replace(/1$/, '2'));
    expect(data(a)).toEqual(['1:x', '2:y']);
    expect(b[0]).toBe(a[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
  });

  it('has no gap and no duplicate when a handler appends during the replay', async () => {
    const store = createMemoryStore();
    const [first] = await appendAll(store, 'a', 'b', 'c');
    const seen: SseMessage[] = [];
    store.stream(first!.replace(/1$/, '0')).subscribe((m) => {
      seen.push(m);
      // Every replayed event makes the handler append one more, until 6 in all.
      if (seqOf(m.id) < 4) void store.append({ data: `echo-${seqOf(m.id)}` });
    });
    await store.append({ data: 'last' });
    expect(data(seen)).toEqual(['1:a', '2:b', '3:c', '4:echo-1', '5:echo-2', '6:echo-3', '7:last']);
  });

  it('answers every id it cannot serve with the reset of its reason and the newest id', async () => {
    const store = createMemoryStore({ maxEvents: 2 });
    const ids = await appendAll(store, 'a', 'b', 'c', 'd');
    const [epoch] = ids[0]!.split(':');
    const other = await createMemoryStore().append({ data: 'elsewhere' });
    const reset = (reason: string, lastEventId: string) => ({
      event: 'reset',
      data: JSON.stringify({ reason, lastEventId }),
      id: ids[3],
    });
    expect(now(store, ids[0])).toEqual([reset('trimmed', ids[0]!)]);
    expect(now(store, `${epoch}:0`)).toEqual([reset('trimmed', `${epoch}:0`)]);
    expect(now(store, `${epoch}:5`)).toEqual([reset('future', `${epoch}:5`)]);
    expect(now(store, `zzzz${epoch}:3`)).toEqual([reset('epoch', `zzzz${epoch}:3`)]);
    expect(now(store, other)).toEqual([reset('unknown', other)]);
    // Plain numbers (the ids before epochs) and anything else not of the shape are malformed.
    for (const id of ['4', '-1', '1e2', ' 1', `${epoch}:1e2`, `${epoch}:-1`, `${epoch}: 3`, '\u0000', 'NaN']) {
      expect(now(store, id)).toEqual([reset('malformed', id)]);
    }
    // The oldest kept id still resumes.
    expect(data(now(store, ids[1]))).toEqual(['3:c', '4:d']);
  });

  it('answers a huge id with a reset that echoes 64 characters, never with the whole backlog', async () => {
    const store = createMemoryStore();
    const [id] = await appendAll(store, 'a', 'b', 'c');
    for (const huge of ['9'.repeat(100_000), `${id!.replace(/1$/, '')}${'9'.repeat(100_000)}`]) {
      const got = now(store, huge);
      expect(got).toHaveLength(1);
      expect(JSON.parse(got[0]!.data!)).toEqual({
        reason: huge.startsWith('9') ? 'malformed' : 'future',
        lastEventId: `${huge.slice(0, 64)}…`,
      });
    }
  });

  it('forgets events older than ttlMs', async () => {
    vi.useFakeTimers();
    const store = createMemoryStore({ ttlMs: 1000 });
    const [a] = await appendAll(store, 'a');
    vi.advanceTimersByTime(600);
    await appendAll(store, 'b');
    vi.advanceTimersByTime(600);
    expect(data(now(store, a))).toEqual(['2:b']);
    expect(now(store, a!.replace(/1$/, '0'))[0]?.event).toBe('reset');
  });

  it('rejects a message without data with a TypeError that says what to do', async () => {
    const store = createMemoryStore();
    await expect(store.append({ comment: 'ping' })).rejects.toThrow(/append a message with data/);
    await expect(store.append({ retry: 1000 })).rejects.toThrow(TypeError);
  });

  it('rejects a bad maxEvents at once', () => {
    expect(() => createMemoryStore({ maxEvents: Number.NaN })).toThrow(/maxEvents must be a number >= 0/);
  });
});

describe('createMemoryStore over real connections', () => {
  it('sends a client resuming with an id from before a restart an epoch reset, then the new events', async () => {
    const before = createMemoryStore();
    const old = await appendAll(before, 'old-1', 'old-2', 'old-3', 'old-4');
    // The restart: the module loaded afresh, as in a new process (a new boot id).
    vi.resetModules();
    const restarted = (await import('../src/index.js')) as typeof import('../src/index.js');
    const after = restarted.createMemoryStore();
    const fresh = await appendAll(after, 'new-1', 'new-2', 'new-3', 'new-4', 'new-5', 'new-6');
    let streams = counted(after.stream());
    const server = await listen((req, res) => {
      streams = counted(after.stream(readLastEventId(req)));
      sendEvents(req, res, streams.source$);
    });
    servers.push(server);
    const events = await readEvents(server.url, 1, old[3]);
    expect(events.map((e) => [e.type, JSON.parse(e.data), e.lastEventId])).toEqual([
      ['reset', { reason: 'epoch', lastEventId: old[3] }, fresh[5]],
    ]);
    // What the client does next: reload, then resume from the reset's id.
    const next = readEvents(server.url, 1, events[0]!.lastEventId);
    await until(() => streams.total() === 1 && streams.active() === 1);
    await after.append({ data: 'new-7' });
    expect((await next).map((e) => e.data)).toEqual(['new-7']);
  });

  it('rejects a message the codec refuses and keeps every stream alive', async () => {
    const store = createMemoryStore();
    const streams = counted(store.stream());
    const server = await listen((req, res) => {
      const lastEventId = readLastEventId(req);
      sendEvents(req, res, lastEventId ? store.stream(lastEventId) : streams.source$);
    });
    servers.push(server);
    const [first] = await appendAll(store, 'good-0');
    const live = readEvents(server.url, 19);
    await until(() => streams.active() === 1);
    await expect(store.append({ event: 'chat\nid: 1', data: 'x' })).rejects.toThrow(TypeError);
    for (let n = 1; n <= 19; n++) await store.append({ data: `good-${n}` });
    const expected = Array.from({ length: 19 }, (_, n) => `good-${n + 1}`);
    expect((await live).map((e) => e.data)).toEqual(expected);
    expect((await readEvents(server.url, 19, first)).map((e) => e.data)).toEqual(expected);
  });
});
