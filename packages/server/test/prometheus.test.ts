import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { concat, defer, NEVER, of, Subject, take, throwError } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientMeter,
  createMemoryStore,
  createResumableStreams,
  createStreamRegistry,
  prometheusFetchHandler,
  prometheusHandler,
  readLastEventId,
  sendEvents,
  type SseStoreMeter,
  type StreamRegistry,
  toResponse,
} from '../src/index.js';
import { parse, sample, scrape } from '../../../test/support/exposition.js';
import { decode, listen, listenFetch, type TestServer, until } from './helpers.js';

const servers: TestServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A streaming GET that collects the raw bytes of the body; `events` decodes what came so far. */
function open(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  let bytes = 0;
  let text = '';
  const done = fetch(url, { headers, signal: controller.signal })
    .then(async (response) => {
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) {
        bytes += chunk.byteLength;
        text += decoder.decode(chunk, { stream: true });
      }
    })
    .catch(() => undefined);
  return {
    bytes: () => bytes,
    events: () => decode(text).events,
    close: () => (controller.abort(), done),
  };
}

/** A raw HTTP/1.1 GET (with `headers`) that reads the response head, then stops reading. */
function stall(port: number, path: string, headers: Record<string, string> = {}): Socket {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${head.join('')}\r\n`);
  socket.once('data', () => socket.pause());
  return socket;
}

/** Sends `message` until `done()` holds, yielding to the event loop; bounded in count. */
async function flood(source: Subject<SseMessage>, message: SseMessage, done: () => boolean): Promise<number> {
  let sent = 0;
  for (; sent < 20_000 && !done(); sent++) {
    source.next(message);
    if (sent % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    if (sent % 64 === 63) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(done()).toBe(true);
  return sent;
}

describe('prometheusHandler', () => {
  it('reports opens, resumes, resets, bytes, errors, stalls, drops, closes and shutdown exactly, per registry', async () => {
    const live = createStreamRegistry({ name: 'live' });
    const drops = createStreamRegistry({ name: 'drops' });
    const store = createMemoryStore({ maxEvents: 2 });
    const firehose = new Subject<SseMessage>();
    const metrics = prometheusHandler([live, drops]);
    const server = await listen((req, res) => {
      const path = req.url ?? '/';
      if (path === '/metrics') metrics(req, res);
      else if (path === '/events')
        sendEvents(req, res, store.stream(readLastEventId(req)), { registry: live, headTimeoutMs: 0 });
      else if (path === '/fail')
        sendEvents(
          req,
          res,
          throwError(() => Object.assign(new Error('who?'), { status: 401 })),
          { registry: live },
        );
      else if (path === '/late')
        sendEvents(
          req,
          res,
          concat(
            of({ data: 'x' }),
            throwError(() => new Error('boom')),
          ),
          { registry: live },
        );
      else if (path === '/firehose')
        sendEvents(req, res, firehose, { registry: live, headTimeoutMs: 0, backpressure: { maxBufferBytes: 65_536 } });
      else if (path === '/drops')
        sendEvents(req, res, firehose, {
          registry: drops,
          headTimeoutMs: 0,
          backpressure: { maxBufferBytes: 65_536, policy: 'drop-newest' },
        });
      else sendEvents(req, res, NEVER, { registry: live, headTimeoutMs: 0 });
    });
    servers.push(server);
    const metricsUrl = `${server.url}/metrics`;

    // Nothing yet: every family is there, with zeros.
    let scraped = await scrape(metricsUrl);
    expect(sample(scraped, 'sse_rx_open_streams', { registry: 'live' })).toBe(0);
    expect(sample(scraped, 'sse_rx_open_streams', { registry: 'drops' })).toBe(0);
    expect(scraped.types.get('sse_rx_stream_duration_seconds')).toBe('histogram');
    expect(scraped.types.get('sse_rx_messages_sent_total')).toBe('counter');

    // Three streams: one fresh, one resuming from a trimmed id, one with a malformed id.
    const first = await store.append({ data: 'e1' });
    for (const data of ['e2', 'e3', 'e4']) await store.append({ data });
    const fresh = open(`${server.url}/events`);
    const trimmed = open(`${server.url}/events`, { 'last-event-id': first });
    const malformed = open(`${server.url}/events`, { 'last-event-id': 'garbage' });
    await until(() => live.metrics().openStreams === 3);
    await store.append({ data: 'e5' });
    const clients = [fresh, trimmed, malformed];
    await until(() => clients.every((client) => client.events().some((event) => event.data === 'e5')));
    expect(trimmed.events().map((event) => event.type)).toEqual(['reset', 'message']);
    scraped = await scrape(metricsUrl);
    const received = clients.reduce((sum, client) => sum + client.bytes(), 0);
    const expected = (name: string, labels: Record<string, string> = {}) =>
      expect(sample(scraped, name, { registry: 'live', ...labels }), `${name} ${JSON.stringify(labels)}`);
    expected('sse_rx_open_streams').toBe(3);
    expected('sse_rx_streams_opened_total').toBe(3);
    expected('sse_rx_streams_resumed_total').toBe(2);
    expected('sse_rx_resets_total', { reason: 'trimmed' }).toBe(1);
    expected('sse_rx_resets_total', { reason: 'malformed' }).toBe(1);
    expected('sse_rx_resets_total', { reason: 'epoch' }).toBe(0);
    // 'e5' to each, plus a reset to two of them.
    expected('sse_rx_messages_sent_total').toBe(5);
    expected('sse_rx_bytes_sent_total').toBe(received);
    expected('sse_rx_buffered_bytes').toBe(0);
    expect(sample(scraped, 'sse_rx_oldest_stream_age_seconds', { registry: 'live' })).toBeGreaterThan(0);

    // An error before the first event is answered 401; one after it is sent as event: error 500.
    expect((await fetch(`${server.url}/fail`)).status).toBe(401);
    const late = await fetch(`${server.url}/late`).then((response) => response.text());
    expect(decode(late).events.map((event) => event.type)).toEqual(['message', 'error']);
    await until(() => live.metrics().streamDurations.count === 2);
    scraped = await scrape(metricsUrl);
    expected('sse_rx_errors_total', { status: '401', sent_as: 'http' }).toBe(1);
    expected('sse_rx_errors_total', { status: '500', sent_as: 'event' }).toBe(1);
    expected('sse_rx_streams_opened_total').toBe(5);
    expected('sse_rx_messages_sent_total').toBe(7);
    expected('sse_rx_bytes_sent_total').toBe(received + Buffer.byteLength(late));
    expected('sse_rx_stream_duration_seconds_count').toBe(2);

    // A client that stops reading is closed by the 'close' policy; one on the other registry has messages dropped.
    stall(server.port, '/firehose');
    stall(server.port, '/drops');
    await until(() => live.metrics().openStreams === 4 && drops.metrics().openStreams === 1);
    const payload = { data: 'x'.repeat(1000) };
    const frameBytes = 'data: '.length + 1000 + 2;
    const published = await flood(
      firehose,
      payload,
      () => live.metrics().slowClientsByPolicy.close === 1 && drops.metrics().droppedMessages > 0,
    );
    await until(() => live.metrics().openStreams === 3);
    scraped = await scrape(metricsUrl);
    expected('sse_rx_slow_client_closes_total', { policy: 'close' }).toBe(1);
    expected('sse_rx_slow_client_closes_total', { policy: 'maxBufferedBytes' }).toBe(0);
    const drop = (name: string, labels: Record<string, string> = {}) =>
      sample(scraped, name, { registry: 'drops', ...labels })!;
    // Every message published to the stalled stream was sent, is waiting, or was dropped.
    expect(drop('sse_rx_messages_dropped_total', { policy: 'drop-newest' })).toBeGreaterThan(0);
    expect(drop('sse_rx_messages_dropped_total', { policy: 'drop-oldest' })).toBe(0);
    expect(drop('sse_rx_buffered_bytes') % frameBytes).toBe(0);
    expect(
      drop('sse_rx_messages_sent_total') +
        drop('sse_rx_buffered_bytes') / frameBytes +
        drop('sse_rx_messages_dropped_total', { policy: 'drop-newest' }),
    ).toBe(published);
    expect(drop('sse_rx_bytes_sent_total')).toBe(drop('sse_rx_messages_sent_total') * frameBytes);
    expect(drops.streams()).toEqual([
      expect.objectContaining({
        key: undefined,
        resumed: false,
        droppedMessages: drop('sse_rx_messages_dropped_total', { policy: 'drop-newest' }),
      }),
    ]);

    // Clients leave: the histogram counts every closed stream.
    await Promise.all(clients.map((client) => client.close()));
    await until(() => live.metrics().openStreams === 0);
    scraped = await scrape(metricsUrl);
    expected('sse_rx_open_streams').toBe(0);
    expected('sse_rx_oldest_stream_age_seconds').toBe(0);
    expected('sse_rx_stream_duration_seconds_count').toBe(6);
    expected('sse_rx_stream_duration_seconds_bucket', { le: '+Inf' }).toBe(6);
    expected('sse_rx_stream_duration_seconds_bucket', { le: '21600' }).toBe(6);

    // Shutdown ends the open stream, then refuses with 503.
    const last = open(`${server.url}/idle`);
    await until(() => live.metrics().openStreams === 1);
    await live.shutdown({ retryMs: 1000 });
    await last.close();
    expect((await fetch(`${server.url}/idle`)).status).toBe(503);
    scraped = await scrape(metricsUrl);
    expected('sse_rx_shutdown_closes_total', { kind: 'ended' }).toBe(1);
    expected('sse_rx_shutdown_closes_total', { kind: 'destroyed' }).toBe(0);
    expected('sse_rx_streams_refused_total', { status: '503' }).toBe(1);
    expected('sse_rx_streams_refused_total', { status: '429' }).toBe(0);
    expected('sse_rx_streams_opened_total').toBe(7);
    // The text is the registries' own, side by side.
    expect(live.prometheus()).toBe(
      scraped.text
        .split('\n')
        .filter((line) => !line.includes('registry="drops"'))
        .join('\n'),
    );
  });

  it('answers HEAD with the head alone and other methods with 405', async () => {
    const server = await listen(prometheusHandler(createStreamRegistry()));
    servers.push(server);
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const post = await fetch(server.url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses two registries with one name, naming the fix', () => {
    expect(() => createStreamRegistry({ name: 42 as unknown as string })).toThrow(
      'name must be a string (the registry label), got number.',
    );
    expect(() => prometheusHandler([createStreamRegistry(), createStreamRegistry()])).toThrow(
      "Two registries are named 'default': give each its own createStreamRegistry({ name })",
    );
    expect(() =>
      prometheusFetchHandler([createStreamRegistry({ name: 'a' }), createStreamRegistry({ name: 'a' })]),
    ).toThrow(TypeError);
  });
});

describe('prometheusFetchHandler', () => {
  it('serves the same text as a Web Response, 405 for other methods', async () => {
    const registry = createStreamRegistry({ name: 'web' });
    const metrics = prometheusFetchHandler(registry);
    const server = await listenFetch(metrics);
    servers.push(server);
    const scraped = await scrape(server.url);
    expect(scraped.text).toBe(registry.prometheus());
    expect(sample(scraped, 'sse_rx_open_streams', { registry: 'web' })).toBe(0);
    const post = metrics(new Request(server.url, { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('toResponse with a registry', () => {
  it('counts its messages, bytes, resets and errors like sendEvents', async () => {
    const registry = createStreamRegistry({ name: 'web' });
    const metrics = prometheusFetchHandler(registry);
    const store = createMemoryStore();
    const server = await listenFetch((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/metrics') return metrics(request);
      if (path === '/fail')
        return toResponse(
          throwError(() => Object.assign(new Error('slow down'), { status: 429 })),
          { registry, request },
        );
      return toResponse(store.stream(readLastEventId(request)).pipe(take(2)), { registry, request });
    });
    servers.push(server);
    expect((await fetch(`${server.url}/fail`)).status).toBe(429);
    const pending = fetch(`${server.url}/events`, { headers: { 'last-event-id': 'nonsense' } }).then((r) => r.text());
    await until(() => registry.metrics().openStreams === 1);
    await store.append({ data: 'live' });
    const body = await pending;
    expect(decode(body).events.map((event) => event.type)).toEqual(['reset', 'message']);
    await until(() => registry.metrics().openStreams === 0);
    const scraped = await scrape(`${server.url}/metrics`);
    const expected = (name: string, labels: Record<string, string> = {}) =>
      expect(sample(scraped, name, { registry: 'web', ...labels }), name);
    expected('sse_rx_errors_total', { status: '429', sent_as: 'http' }).toBe(1);
    expected('sse_rx_resets_total', { reason: 'malformed' }).toBe(1);
    expected('sse_rx_messages_sent_total').toBe(2);
    expected('sse_rx_bytes_sent_total').toBe(Buffer.byteLength(body));
    expected('sse_rx_streams_resumed_total').toBe(1);
    expected('sse_rx_stream_duration_seconds_count').toBe(2);
  });
});

describe('prometheus text', () => {
  // Names with every character the format escapes, and any other text.
  const awkward = fc.constantFrom('\\', '"', '\n', '\r', '{', '}', ',', '=', ' ', '#', 'é', '😀', 'a');
  const names = fc.oneof(fc.string({ unit: awkward }), fc.string({ unit: 'grapheme' }));

  const SERIES_PER_REGISTRY = parse(createStreamRegistry().prometheus()).samples.size;

  it('is valid exposition format for any registry names, which come back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(names, { minLength: 1, maxLength: 4 }), async (names) => {
        const registries: StreamRegistry[] = names.map((name) => createStreamRegistry({ name }));
        const text = await prometheusFetchHandler(registries)(new Request('http://127.0.0.1/')).text();
        const exposition = parse(text);
        for (const name of names) expect(sample(exposition, 'sse_rx_open_streams', { registry: name })).toBe(0);
        expect(exposition.samples.size).toBe(names.length * SERIES_PER_REGISTRY);
        if (registries.length === 1) expect(registries[0]!.prometheus()).toBe(text);
      }),
    );
  });
});

describe('replay sizes and store lag in the Prometheus text', () => {
  it('counts each replay of the memory store by its size while streams open, stall, resume and close', async () => {
    const registry = createStreamRegistry({ name: 'replays' });
    const store = createMemoryStore({ maxEvents: 500 });
    const metrics = prometheusHandler(registry);
    const server = await listen((req, res) => {
      if (req.url === '/metrics') metrics(req, res);
      else sendEvents(req, res, store.stream(readLastEventId(req)), { registry, headTimeoutMs: 0 });
    });
    servers.push(server);
    const url = `${server.url}/events`;
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await store.append({ data: `e${i}` }));

    // A fresh stream replays nothing and is not a resume; a malformed id gets a reset, not a replay.
    const fresh = open(url);
    const malformed = open(url, { 'last-event-id': 'garbage' });
    // Missed e3, e4, e5: a replay of 3; holding the newest id: a replay of 0.
    const behind = open(url, { 'last-event-id': ids[1]! });
    const current = open(url, { 'last-event-id': ids[4]! });
    await until(() => registry.metrics().openStreams === 4);
    await until(() => behind.events().length === 3);
    let scraped = await scrape(`${server.url}/metrics`);
    const expected = (name: string, labels: Record<string, string> = {}) =>
      expect(sample(scraped, name, { registry: 'replays', ...labels }), `${name} ${JSON.stringify(labels)}`);
    expect(scraped.types.get('sse_rx_replayed_events')).toBe('histogram');
    expected('sse_rx_streams_resumed_total').toBe(3);
    expected('sse_rx_resets_total', { reason: 'malformed' }).toBe(1);
    expected('sse_rx_replayed_events_count').toBe(2);
    expected('sse_rx_replayed_events_sum').toBe(3);
    expected('sse_rx_replayed_events_bucket', { le: '0' }).toBe(1);
    expected('sse_rx_replayed_events_bucket', { le: '1' }).toBe(1);
    expected('sse_rx_replayed_events_bucket', { le: '10' }).toBe(2);
    expected('sse_rx_replayed_events_bucket', { le: '+Inf' }).toBe(2);
    // No store here reports a lag.
    expected('sse_rx_store_lag_seconds_count').toBe(0);
    expected('sse_rx_store_last_lag_seconds').toBe(0);

    // A client that resumes from the first of 300 events (the live clients get 30 KB each, under
    // their 128 KiB bound) and stops reading: its replay of 299 is counted when it starts.
    for (let i = 0; i < 295; i++) await store.append({ data: 'x'.repeat(100) });
    stall(server.port, '/events', { 'last-event-id': ids[0]! });
    await until(() => registry.metrics().replayedEvents.count === 3);
    scraped = await scrape(`${server.url}/metrics`);
    expected('sse_rx_open_streams').toBe(5);
    expected('sse_rx_replayed_events_sum').toBe(3 + 299);
    expected('sse_rx_replayed_events_bucket', { le: '100' }).toBe(2);
    expected('sse_rx_replayed_events_bucket', { le: '1000' }).toBe(3);

    // Streams close; the replays stay counted.
    for (const socket of sockets) socket.destroy();
    await Promise.all([fresh, malformed, behind, current].map((client) => client.close()));
    await until(() => registry.metrics().openStreams === 0);
    scraped = await scrape(`${server.url}/metrics`);
    expected('sse_rx_open_streams').toBe(0);
    expected('sse_rx_replayed_events_count').toBe(3);
    expected('sse_rx_stream_duration_seconds_count').toBe(5);
  });

  it('counts the replays of resumable stream followers, across the await of the lookup; not the start', async () => {
    const registry = createStreamRegistry({ name: 'resumable' });
    const streams = createResumableStreams();
    const producer = new Subject<SseMessage>();
    const server = await listen((req, res) =>
      sendEvents(req, res, streams.follow('answer', readLastEventId(req)), { registry, headTimeoutMs: 0 }),
    );
    servers.push(server);
    // The starting request, with the registry too.
    const response = await toResponse(streams.start('answer', producer), { registry, headTimeoutMs: 0 });
    const reader = response.body!.getReader();
    await until(() => producer.observed);
    const ids: string[] = [];
    for (const data of ['a', 'b', 'c', 'd', 'e']) producer.next({ data });
    for (let reads = 0; ids.length < 5 && reads < 100; reads++) {
      const { value } = await reader.read();
      ids.push(...decode(new TextDecoder().decode(value)).events.map((event) => event.lastEventId));
    }
    // Missed c, d and e: a replay of 3; one without an id replays all 5.
    const behind = open(`${server.url}/answer`, { 'last-event-id': ids[1]! });
    const late = open(`${server.url}/answer`);
    await until(() => behind.events().length === 3 && late.events().length === 5);
    expect(registry.metrics().replayedEvents).toMatchObject({ count: 2, sum: 8 });
    expect(registry.metrics().openStreams).toBe(3);
    producer.complete();
    await until(() => registry.metrics().openStreams === 0);
    await Promise.all([behind.close(), late.close(), reader.cancel()]);
  });

  it("exports a store's lag reports (a store of your own, through clientMeter) as a histogram and a gauge", async () => {
    const registry = createStreamRegistry({ name: 'lag' });
    const metrics = prometheusHandler(registry);
    const lags = [3, 40, 1500];
    let seen: SseStoreMeter | undefined;
    const server = await listen((req, res) => {
      if (req.url === '/metrics') return metrics(req, res);
      const source$ = defer(() => {
        seen = clientMeter();
        for (const lag of lags) seen?.lagged(lag);
        return NEVER;
      });
      sendEvents(req, res, source$, req.url === '/bare' ? {} : { registry, headTimeoutMs: 0 });
    });
    servers.push(server);
    const client = open(`${server.url}/events`);
    await until(() => registry.metrics().storeLag.count === 3);
    const scraped = await scrape(`${server.url}/metrics`);
    const value = (name: string, labels: Record<string, string> = {}) =>
      sample(scraped, name, { registry: 'lag', ...labels });
    expect(value('sse_rx_store_last_lag_seconds')).toBe(1.5);
    expect(value('sse_rx_store_lag_seconds_sum')).toBeCloseTo(1.543, 9);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '0.05' })).toBe(2);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '1' })).toBe(2);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '2.5' })).toBe(3);
    await client.close();

    // Without a registry a store sees no meter.
    const bare = open(`${server.url}/bare`);
    await until(() => seen === undefined);
    await bare.close();
    expect(clientMeter()).toBeUndefined();
  });

  it('refuses a report that is not a count or a lag, naming what it takes', async () => {
    const registry = createStreamRegistry();
    const errors: unknown[] = [];
    const server = await listen((req, res) =>
      sendEvents(
        req,
        res,
        defer(() => {
          const meter = clientMeter()!;
          for (const report of [() => meter.replayed(-1), () => meter.replayed(1.5), () => meter.lagged(Number.NaN)]) {
            try {
              report();
            } catch (error) {
              errors.push(error);
            }
          }
          meter.lagged(-20); // clocks apart: counted as 0
          return NEVER;
        }),
        { registry, headTimeoutMs: 0 },
      ),
    );
    servers.push(server);
    const client = open(server.url);
    await until(() => errors.length === 3);
    await client.close();
    expect(errors.map(String)).toEqual([
      'TypeError: replayed(events) takes the number of events replayed, a whole number >= 0, got -1.',
      'TypeError: replayed(events) takes the number of events replayed, a whole number >= 0, got 1.5.',
      'TypeError: lagged(lagMs) takes the milliseconds since the append, a finite number, got NaN.',
    ]);
    expect(registry.metrics().replayedEvents.count).toBe(0);
    expect(registry.metrics().storeLag).toMatchObject({ count: 1, sum: 0 });
    expect(registry.metrics().lastStoreLagSeconds).toBe(0);
  });
});
