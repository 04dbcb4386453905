import { connect } from 'node:net';
import { concat, interval, map, mergeMap, NEVER, Observable, of, range, Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamRegistry, sendEvents, SseShutdownError, toResponse, type StreamRegistry } from '../src/index.js';
import { counted, decode, listen, listenFetch, until, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves `source$` with sendEvents and `registry` for every request. */
async function serve(registry: StreamRegistry, source$: Observable<SseMessage>) {
  server = await listen((req, res) => void sendEvents(req, res, source$, { registry }));
  return server;
}

/** Opens a stream and reads it to its end in the background; `opened` resolves with the response. */
function client(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const opened = fetch(url, { headers, signal: controller.signal });
  const text = opened.then((response) => response.text()).catch(() => '');
  return { opened, text, abort: () => controller.abort() };
}

describe('createStreamRegistry', () => {
  it('counts open streams in metrics and openStreams$', async () => {
    const registry = createStreamRegistry();
    const counts: number[] = [];
    registry.openStreams$.subscribe((n) => counts.push(n));
    const { url } = await serve(registry, NEVER);
    const a = client(url, { 'last-event-id': '3' });
    const b = client(url);
    await Promise.all([a.opened, b.opened]);
    expect(registry.metrics()).toMatchObject({
      openStreams: 2,
      openedStreams: 2,
      refusedStreams: 0,
      resumedStreams: 1,
      bufferedBytes: 0,
      droppedMessages: 0,
      closedSlowClients: 0,
      skippedMessages: 0,
    });
    a.abort();
    b.abort();
    await until(() => registry.metrics().openStreams === 0);
    expect(counts).toEqual([0, 1, 2, 1, 0]);
  });

  it('shuts down every stream with a jittered retry hint, stops the sources and ends the responses', async () => {
    const registry = createStreamRegistry();
    const ticks = counted(NEVER);
    const { url } = await serve(registry, ticks.source$);
    const clients = Array.from({ length: 20 }, () => client(url));
    await Promise.all(clients.map((c) => c.opened));
    await registry.shutdown({ retryMs: 1000, jitterMs: 500, message: { event: 'bye', data: 'restarting' } });
    expect(ticks.active()).toBe(0);
    expect(registry.metrics().openStreams).toBe(0);
    const texts = await Promise.all(clients.map((c) => c.text));
    const retries = texts.map((text) => decode(text).retries);
    for (const [i, text] of texts.entries()) {
      expect(retries[i]).toHaveLength(1);
      expect(retries[i]![0]).toBeGreaterThanOrEqual(1000);
      expect(retries[i]![0]).toBeLessThan(1500);
      expect(decode(text).events).toEqual([{ type: 'bye', data: 'restarting', lastEventId: '' }]);
    }
    // 20 draws from 500 values: they spread.
    expect(new Set(retries.flat()).size).toBeGreaterThan(1);
  });

  it('sends only the retry field by default and resolves at once without streams', async () => {
    const registry = createStreamRegistry();
    const { url } = await serve(registry, NEVER);
    const only = client(url);
    await only.opened;
    await registry.shutdown({ retryMs: 3000, jitterMs: 0 });
    expect(await only.text).toBe('retry: 3000\n\n');
    await createStreamRegistry().shutdown();
  });

  it('answers streams opened after shutdown started with 503 and Retry-After, without subscribing', async () => {
    const registry = createStreamRegistry({ retryAfterMs: 2500 });
    const ticks = counted(NEVER);
    const { url } = await serve(registry, ticks.source$);
    const done = registry.shutdown({ retryMs: 2500, jitterMs: 0 });
    expect(registry.closing).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ status: 503, message: 'Server shutting down' });
    expect(ticks.total()).toBe(0);
    await done;
    expect(registry.metrics().refusedStreams).toBe(1);
  });

  it('spreads Retry-After from retryAfterMs to twice that, in whole seconds of at least 1, so a refused crowd does not return as one wave', async () => {
    const retryAfter = async (registry: StreamRegistry, requests: number) => {
      server = await listen((req, res) => void sendEvents(req, res, NEVER, { registry }));
      const values: string[] = [];
      for (let i = 0; i < requests; i++) {
        const response = await fetch(server.url);
        expect(response.status).toBe(503);
        values.push(response.headers.get('retry-after') ?? 'none');
        await response.body?.cancel();
      }
      await server.close();
      server = undefined;
      return values;
    };
    const spread = await retryAfter(createStreamRegistry({ maxStreams: 0, retryAfterMs: 2000 }), 40);
    expect(spread.every((value) => ['2', '3', '4'].includes(value))).toBe(true);
    expect(new Set(spread).size).toBeGreaterThan(1);
    expect(new Set(await retryAfter(createStreamRegistry({ maxStreams: 0, retryAfterMs: 0 }), 5))).toEqual(
      new Set(['1']),
    );
  });

  it("answers streams refused during shutdown with the shutdown's retry hint as Retry-After", async () => {
    const registry = createStreamRegistry({ retryAfterMs: 60_000 });
    const { url } = await serve(registry, NEVER);
    const done = registry.shutdown({ retryMs: 3000, jitterMs: 3000 });
    const values: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await fetch(url);
      expect(response.status).toBe(503);
      values.push(response.headers.get('retry-after') ?? 'none');
      await response.body?.cancel();
    }
    await done;
    expect(values.every((value) => ['3', '4', '5', '6'].includes(value))).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
  });

  it('closes the streams holding the most bytes first once all together hold more than maxBufferedBytes, never a reader', async () => {
    const registry = createStreamRegistry({ maxBufferedBytes: 1024 * 1024 });
    const source = new Subject<SseMessage>();
    const { port, url } = await listen((req, res) => {
      sendEvents(req, res, source, { registry, backpressure: { maxBufferBytes: 256 * 1024 * 1024 } });
    }).then((started) => (server = started));
    // Two clients that read the response head, then stop reading; one that reads everything.
    const stalled = [0, 1].map(() => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
      socket.once('data', () => socket.pause());
      return socket;
    });
    const reader = fetch(url)
      .then((response) => response.text())
      .catch(() => '');
    await until(() => registry.metrics().openStreams === 3);
    const chunk = 'x'.repeat(64 * 1024);
    for (let n = 0; n < 512 && registry.metrics().openStreams > 1; n++) {
      source.next({ data: chunk });
      if (n % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
      if (n % 64 === 63) await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await until(() => registry.metrics().openStreams === 1);
    expect(registry.metrics().closedSlowClients).toBe(2);
    expect(registry.metrics().slowClientsByPolicy).toEqual({ close: 0, maxBufferedBytes: 2 });
    source.next({ data: 'last' });
    source.complete();
    expect((await reader).endsWith('data: last\n\n')).toBe(true);
    for (const socket of stalled) socket.destroy();
  });

  it('destroys a stream that cannot finish by the deadline', async () => {
    const registry = createStreamRegistry();
    const payload = 'x'.repeat(10_000);
    const fast$ = interval(1).pipe(
      mergeMap(() => range(10)),
      map(() => ({ data: payload })),
    );
    server = await listen(
      (req, res) =>
        void sendEvents(req, res, fast$, {
          registry,
          backpressure: { policy: 'drop-oldest', maxBufferBytes: 100_000 },
        }),
    );
    const socket = connect(server.port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    socket.pause();
    // Messages are dropped once the queue and Node's buffer reach the bound, and at least one waits in the queue
    // (Node's share of the bound depends on its highWaterMark: 16 KiB, or 64 KiB from Node 22).
    await until(() => registry.metrics().droppedMessages > 0 && registry.metrics().bufferedBytes >= payload.length);
    const started = Date.now();
    await registry.shutdown({ deadlineMs: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(registry.metrics()).toMatchObject({
      openStreams: 0,
      bufferedBytes: 0,
      shutdownCloses: { ended: 1, destroyed: 1 },
    });
    expect(registry.metrics().droppedMessages).toBeGreaterThan(0);
    expect(registry.metrics().droppedByPolicy['drop-oldest']).toBe(registry.metrics().droppedMessages);
    socket.destroy();
  });

  it('counts clients closed for being slow', async () => {
    const registry = createStreamRegistry();
    const payload = 'x'.repeat(10_000);
    const fast$ = interval(1).pipe(
      mergeMap(() => range(10)),
      map(() => ({ data: payload })),
    );
    server = await listen(
      (req, res) => void sendEvents(req, res, fast$, { registry, backpressure: { maxBufferBytes: 65_536 } }),
    );
    const socket = connect(server.port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    socket.pause();
    await until(() => registry.metrics().closedSlowClients === 1);
    await until(() => registry.metrics().openStreams === 0);
    socket.destroy();
  });

  it('refuses streams over maxStreams with 503 and lets one in again after a close', async () => {
    const registry = createStreamRegistry({ maxStreams: 2 });
    const ticks = counted(NEVER);
    const { url } = await serve(registry, ticks.source$);
    const a = client(url);
    const b = client(url);
    await Promise.all([a.opened, b.opened]);
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(['5', '6', '7', '8', '9', '10']).toContain(refused.headers.get('retry-after'));
    expect(await refused.json()).toEqual({ status: 503, message: 'Too many streams' });
    expect(ticks.total()).toBe(2);
    a.abort();
    await until(() => registry.metrics().openStreams === 1);
    const c = client(url);
    expect((await c.opened).status).toBe(200);
    expect(registry.metrics()).toMatchObject({ openStreams: 2, openedStreams: 3, refusedStreams: 1 });
    b.abort();
    c.abort();
  });

  it('refuses streams over maxStreamsPerKey with 429, per key', async () => {
    const registry = createStreamRegistry({
      maxStreamsPerKey: 2,
      key: (req) => String(req.headers instanceof Headers ? req.headers.get('x-user') : req.headers['x-user']),
    });
    const ticks = counted(NEVER);
    const { url } = await serve(registry, ticks.source$);
    const alice = [client(url, { 'x-user': 'alice' }), client(url, { 'x-user': 'alice' })];
    await Promise.all(alice.map((c) => c.opened));
    const third = await fetch(url, { headers: { 'x-user': 'alice' } });
    expect(third.status).toBe(429);
    expect(['5', '6', '7', '8', '9', '10']).toContain(third.headers.get('retry-after'));
    expect(third.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await third.json()).toEqual({ status: 429, message: 'Too many streams for this client' });
    const bob = client(url, { 'x-user': 'bob' });
    expect((await bob.opened).status).toBe(200);
    expect(ticks.total()).toBe(3);
    alice[0]!.abort();
    await until(() => registry.metrics().openStreams === 2);
    const again = client(url, { 'x-user': 'alice' });
    expect((await again.opened).status).toBe(200);
    for (const c of [alice[1]!, bob, again]) c.abort();
  });

  it('tracks, limits and shuts down toResponse streams too', async () => {
    const registry = createStreamRegistry({ maxStreams: 1 });
    const ticks = counted(NEVER);
    server = await listenFetch((request) => toResponse(ticks.source$, { registry, request }));
    const only = client(server.url, { 'last-event-id': '1' });
    await only.opened;
    expect((await fetch(server.url)).status).toBe(503);
    expect(registry.metrics()).toMatchObject({ openStreams: 1, resumedStreams: 1, refusedStreams: 1 });
    await registry.shutdown({ retryMs: 100, jitterMs: 0 });
    expect(await only.text).toBe('retry: 100\n\n');
    expect(ticks.active()).toBe(0);
  });

  it('errors a Web stream nobody reads with SseShutdownError at the deadline', async () => {
    const registry = createStreamRegistry();
    // Open until the reader reads: the three messages are one chunk in the stream, the source goes on.
    const response = await toResponse(concat(of({ data: 'a' }, { data: 'b' }, { data: 'c' }), NEVER), { registry });
    expect(registry.metrics().openStreams).toBe(1);
    await registry.shutdown({ deadlineMs: 20 });
    expect(registry.metrics().openStreams).toBe(0);
    const error = await response
      .body!.getReader()
      .read()
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SseShutdownError);
    expect((error as SseShutdownError).deadlineMs).toBe(20);
  });

  it('ends a stream whose own source starts the shutdown, and survives a throwing key function', async () => {
    const registry = createStreamRegistry({
      key: () => {
        throw new Error('no user');
      },
    });
    let done: Promise<void> | undefined;
    const source$ = new Observable<SseMessage>(() => {
      done = registry.shutdown({ retryMs: 10, jitterMs: 0 });
    });
    server = await listen((req, res) => void sendEvents(req, res, source$, { registry }));
    const { text } = await fetch(server.url).then(async (response) => ({ text: await response.text() }));
    expect(text).toBe('retry: 10\n\n');
    await done;
    expect(registry.metrics()).toMatchObject({ openStreams: 0, openedStreams: 1 });
  });
});
