import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { concat, defer, finalize, from, NEVER, type Observable, of, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createMemoryResumableStore,
  createResumableStreams,
  type ResumableStreams,
  type ResumableStreamsConfig,
  readLastEventId,
  sendEvents,
  type SseMessage,
} from '../src/index.js';
import { flakyStore } from './flakyStore.js';
import { decode, fetchText, listen, until } from './helpers.js';

/** A server over `streams`: POST /<id> starts `producer`, GET /<id> follows, DELETE /<id> cancels. */
async function serve(config: ResumableStreamsConfig, producer: () => Observable<SseMessage>) {
  const streams: ResumableStreams = createResumableStreams(config);
  const server = await listen((req, res) => {
    const streamId = decodeURIComponent((req.url ?? '/').slice(1));
    if (req.method === 'POST') void sendEvents(req, res, streams.start(streamId, producer()));
    else if (req.method === 'DELETE') void streams.cancel(streamId).then((result) => res.end(result));
    else void sendEvents(req, res, streams.follow(streamId, readLastEventId(req)));
  });
  const request = async (method: string, streamId: string, lastEventId?: string) => {
    const { status, text } = await fetchText(`${server.url}/${encodeURIComponent(streamId)}`, {
      method,
      headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
    });
    return { status, text, events: status === 200 && method !== 'DELETE' ? decode(text).events : [] };
  };
  return { streams, server, request };
}

const words = (...data: string[]) => from(data.map((d): SseMessage => ({ event: 'word', data: d })));

describe('createResumableStreams', () => {
  it('start streams the producer then event: end; a second start with the same id is refused with 409', async () => {
    let subscribed = 0;
    const { server, request } = await serve({}, () =>
      defer(() => {
        subscribed++;
        return words('a', 'b');
      }),
    );
    try {
      const first = await request('POST', 's1');
      expect(first.events.map((e) => [e.type, e.data])).toEqual([
        ['word', 'a'],
        ['word', 'b'],
        ['end', '{}'],
      ]);
      const second = await request('POST', 's1');
      expect(second.status).toBe(409);
      expect(JSON.parse(second.text)).toMatchObject({ status: 409, code: 'stream-exists' });
      expect(subscribed).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('answers a bad stream id with 400 and an unknown one with 404, saying what to fix', async () => {
    const { server, request } = await serve({}, () => words('a'));
    try {
      for (const id of ['', 'x'.repeat(129), 'a b', 'a/b', 'é']) {
        expect([id, (await request('GET', id)).status]).toEqual([id, 400]);
      }
      const bad = await request('POST', 'a b');
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text)).toMatchObject({ code: 'invalid-stream-id' });
      expect(JSON.parse(bad.text).message).toMatch(/1 to 128 characters/);
      const unknown = await request('GET', 'nope');
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.text)).toMatchObject({ code: 'stream-not-found' });
      expect(await (await request('DELETE', 'nope')).text).toBe('unknown');
    } finally {
      await server.close();
    }
  });

  it('keeps the producer running after the starting request leaves; a follower resumes after any id', async () => {
    const tokens = new Subject<SseMessage>();
    let stopped = false;
    const { server, streams, request } = await serve({}, () => tokens.pipe(finalize(() => (stopped = true))));
    try {
      const seen: SseMessage[] = [];
      const subscription = streams.start('s2', tokens).subscribe((m) => seen.push(m));
      await until(() => tokens.observed);
      tokens.next({ data: 'one' });
      await until(() => seen.length === 1);
      subscription.unsubscribe();
      tokens.next({ data: 'two' });
      tokens.next({ data: 'three' });
      expect(stopped).toBe(false);
      tokens.complete();
      const all = await request('GET', 's2');
      expect(all.events.map((e) => e.data)).toEqual(['one', 'two', 'three', '{}']);
      const rest = await request('GET', 's2', all.events[0]!.lastEventId);
      expect(rest.events.map((e) => e.data)).toEqual(['two', 'three', '{}']);
      // A client holding the end event's id gets the end again, not a request that never ends.
      const atEnd = await request('GET', 's2', all.events[3]!.lastEventId);
      expect(atEnd.events.map((e) => e.type)).toEqual(['end']);
      // An id of another stream: a reset, then the whole stream.
      const foreign = await request('GET', 's2', 'abc.1:4');
      expect(foreign.events.map((e) => e.type)).toEqual(['reset', 'message', 'message', 'message', 'end']);
      expect(await (await request('DELETE', 's2')).text).toBe('ended');
    } finally {
      await server.close();
    }
  });

  it('ends a producer that runs past ttlMs or sends more than maxEvents with a non-retryable error, and unsubscribes it', async () => {
    let active = 0;
    const endless = () => {
      active++;
      return concat(words('a', 'b', 'c'), NEVER).pipe(finalize(() => active--));
    };
    const short = await serve({ ttlMs: 50 }, endless);
    const small = await serve({ maxEvents: 2 }, endless);
    try {
      const expired = await short.request('POST', 's3');
      expect(expired.events.map((e) => e.type)).toEqual(['word', 'word', 'word', 'error']);
      expect(JSON.parse(expired.events[3]!.data)).toEqual({
        status: 504,
        code: 'expired',
        message: 'The stream ran past its 50 ms.',
        retryable: false,
      });
      const large = await small.request('POST', 's4');
      expect(large.events.map((e) => e.data)).toEqual(['a', 'b', expect.stringContaining('"code":"too-large"')]);
      expect(active).toBe(0);
    } finally {
      await short.server.close();
      await small.server.close();
    }
  });

  it('ends with the error event of a failing producer, mapped like the sinks, and reports it', async () => {
    const errors: unknown[] = [];
    const failing = () =>
      concat(
        words('a'),
        throwError(() => Object.assign(new Error('secret'), { status: 502 })),
      );
    const { server, request } = await serve({ onError: (error) => errors.push(error) }, failing);
    const reserved = await serve({ onError: (error) => errors.push(error) }, () =>
      of<SseMessage[]>({ data: 'x' }, { event: 'end', data: 'mine' }),
    );
    try {
      const failed = await request('POST', 's5');
      expect(failed.events.map((e) => e.data)).toEqual([
        'a',
        '{"status":502,"code":"producer-error","message":"Bad gateway","retryable":false}',
      ]);
      const refused = await reserved.request('POST', 's6');
      expect(refused.events.map((e) => e.type)).toEqual(['message', 'error']);
      expect(errors.map(String)).toEqual([
        'Error: secret',
        expect.stringContaining('the names end and error are reserved'),
      ]);
    } finally {
      await server.close();
      await reserved.server.close();
    }
  });

  it('cancel ends a running stream for every follower, unsubscribes the producer, and the stream is dropped keepMs later', async () => {
    let started = 0;
    let stopped = 0;
    const { server, request } = await serve({ keepMs: 100 }, () =>
      defer(() => {
        started++;
        return concat(words('a'), NEVER).pipe(finalize(() => stopped++));
      }),
    );
    try {
      const starting = request('POST', 's7');
      await until(() => started === 1);
      const following = request('GET', 's7');
      expect(await (await request('DELETE', 's7')).text).toBe('cancelled');
      expect(stopped).toBe(1);
      for (const answer of [await starting, await following]) {
        expect(answer.events.at(-1)).toMatchObject({
          type: 'error',
          data: '{"code":"cancelled","message":"The stream was cancelled.","retryable":false}',
        });
      }
      await until(async () => (await request('GET', 's7')).status === 404);
    } finally {
      await server.close();
    }
  });

  it('ends a stream whose producer died (claimed, never ended) for its followers, 5 s past its deadline', async () => {
    const store = createMemoryResumableStore();
    // Another process claimed it and appended one event, then died: no runner here.
    await store.claim('orphan', { ttlMs: 100, keepMs: 10_000, maxEvents: 10 });
    const { events, deadline } = (await store.find('orphan'))!;
    await events.append({ data: 'a' });
    const { server, request } = await serve({ store, ttlMs: 100 }, () => NEVER);
    try {
      const answer = await request('GET', 'orphan');
      expect(Date.now()).toBeGreaterThanOrEqual(deadline + 5_000);
      expect(answer.events.map((e) => e.data)).toEqual([
        'a',
        '{"status":504,"code":"expired","message":"The stream ran past its 100 ms.","retryable":false}',
      ]);
      expect((await store.find('orphan'))?.endId).toBe(answer.events[1]!.lastEventId);
    } finally {
      await server.close();
    }
  }, 15_000);

  it('retries the terminal event while the store fails (a failover), so followers end once it is back, not at the deadline', async () => {
    const errors: unknown[] = [];
    let outage = true;
    const { store, failures } = flakyStore((message) => outage && message.event === 'end');
    const { server, request } = await serve({ store, onError: (error) => errors.push(error) }, () => words('a', 'b'));
    try {
      const starting = request('POST', 'f1');
      // Three tries fail (100, 200 and 400 ms apart), then the store is back.
      await until(() => failures() >= 3, 5000);
      outage = false;
      const started = Date.now();
      const answer = await starting;
      expect(answer.events.map((e) => [e.type, e.data])).toEqual([
        ['word', 'a'],
        ['word', 'b'],
        ['end', '{}'],
      ]);
      // Well before the deadline (ttlMs: 10 minutes by default): within the next retry's wait.
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await store.find('f1'))?.endId).toBe(answer.events[2]!.lastEventId);
      // The first failure is reported once, not each retry.
      expect(errors.map(String)).toEqual(['Error: the store is failing over']);
    } finally {
      await server.close();
    }
  });

  it('gives the terminal event up at the deadline when the store stays down, and reports the last failure', async () => {
    const errors: unknown[] = [];
    const { store, failures } = flakyStore((message) => message.event === 'end');
    const streams = createResumableStreams({ store, ttlMs: 1000, onError: (error) => errors.push(error) });
    const events: SseMessage[] = [];
    streams.start('f2', words('a')).subscribe({ next: (message) => events.push(message), error: () => undefined });
    // The first failure, then the last one: thrown once the next wait would end past the deadline.
    await until(() => errors.length === 2, 5000);
    // 100, 200 and 400 ms apart: the next wait (800 ms) would end past the 1 s deadline.
    expect(failures()).toBeGreaterThanOrEqual(3);
    expect(failures()).toBeLessThanOrEqual(4);
    expect(errors.map(String)).toEqual(['Error: the store is failing over', 'Error: the store is failing over']);
    expect(events.map((e) => e.data)).toEqual(['a']);
  });

  it('does not hold a process open while it retries the terminal event of a store that stays down', async () => {
    // In a process of its own (tsx), whose only work is that stream: it must exit by itself.
    const script = fileURLToPath(new URL('./fixtures/failingStoreExit.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=sse-rx-source', '--import', 'tsx', script],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
    );
    // Exited (execFile resolves on exit; it kills the process at 30 s, half the stream's deadline,
    // and rejects), while the retries of the end (100 ms, doubling) would go on for a minute.
    expect(stdout.trim()).toBe('finished producing');
  }, 40_000);

  it('answers a start beyond maxStreams of the memory store with 503 until a stream is dropped', async () => {
    const store = createMemoryResumableStore({ maxStreams: 2 });
    const { server, request } = await serve({ store, keepMs: 200 }, () => words('a'));
    try {
      expect((await request('POST', 'm1')).status).toBe(200);
      expect((await request('POST', 'm2')).status).toBe(200);
      const full = await request('POST', 'm3');
      expect(full.status).toBe(503);
      expect(JSON.parse(full.text)).toMatchObject({ status: 503, code: 'too-many-streams' });
      await until(async () => (await request('POST', 'm4')).status === 200);
    } finally {
      await server.close();
    }
  });

  it('refuses settings out of range with a TypeError', () => {
    expect(() => createResumableStreams({ ttlMs: 0 })).toThrow(/ttlMs must be an integer from 1 to 2147483647/);
    expect(() => createResumableStreams({ keepMs: 2 ** 31 })).toThrow(/keepMs must be an integer from 1 to/);
    expect(() => createResumableStreams({ maxEvents: 1.5 })).toThrow(/maxEvents must be an integer from 1, got 1.5/);
    expect(() => createResumableStreams({ maxEvents: 2 ** 40, ttlMs: 2 ** 31 - 1 })).not.toThrow();
    expect(() => createMemoryResumableStore({ maxStreams: 0 })).toThrow(/maxStreams must be an integer from 1/);
  });
});
