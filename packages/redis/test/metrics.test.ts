import { SseDecoder } from 'sse-rx-codec';
import { Subject } from 'rxjs';
import {
  createResumableStreams,
  createStreamRegistry,
  prometheusHandler,
  readLastEventId,
  sendEvents,
  type SseMessage,
  toResponse,
} from 'sse-rx-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type Exposition, sample, scrape } from '../../../test/support/exposition.js';
import { startServer, type TestServer, waitFor } from '../../../test/support/http.js';
import { createRedisResumableStore, createRedisStore } from '../src/index.js';
import { append, useRedisSuite } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A streaming GET that collects the data of the events received. */
function open(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const data: string[] = [];
  const decoder = new SseDecoder({ onEvent: (event) => data.push(event.data) });
  const done = fetch(url, { headers, signal: controller.signal })
    .then(async (response) => {
      for await (const chunk of response.body!) decoder.feed(chunk);
    })
    .catch(() => undefined);
  return { data: () => data, close: () => (controller.abort(), done) };
}

/** Holds this process (its event loop, so the read loop too) for `ms`. */
function holdProcess(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe.skipIf(!redisServerAvailable)('a Redis store in the registry metrics', () => {
  const suite = useRedisSuite();

  it("counts each replay by its size, and the read loop's lag: small caught up, large when the loop is held", async () => {
    const registry = createStreamRegistry({ name: 'redis' });
    const store = createRedisStore({ redis: suite.redis, stream: 'metered' });
    const metrics = prometheusHandler(registry);
    const server = await startServer((req, res) => {
      if (req.url === '/metrics') metrics(req, res);
      else sendEvents(req, res, store.stream(readLastEventId(req)), { registry, headTimeoutMs: 0 });
    });
    servers.push(server);
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) ids.push(await append(suite.publisher, 'metered', { data: `e${n}` }));

    // A live-only stream, and one that missed e4, e5 and e6: a replay of 3.
    const live = open(`${server.url}/events`);
    const behind = open(`${server.url}/events`, { 'last-event-id': ids[2]! });
    await waitFor(() => registry.metrics().replayedEvents.count === 1 && behind.data().length === 3);
    let scraped: Exposition = await scrape(`${server.url}/metrics`);
    const value = (name: string, labels: Record<string, string> = {}) =>
      sample(scraped, name, { registry: 'redis', ...labels });
    expect(value('sse_rx_open_streams')).toBe(2);
    expect(value('sse_rx_streams_resumed_total')).toBe(1);
    expect(value('sse_rx_replayed_events_sum')).toBe(3);
    expect(value('sse_rx_replayed_events_bucket', { le: '1' })).toBe(0);
    expect(value('sse_rx_replayed_events_bucket', { le: '10' })).toBe(1);
    expect(value('sse_rx_store_lag_seconds_count')).toBe(0);

    // Caught up: the event reaches both streams, its lag is counted once for the registry, and small.
    await store.append({ data: 'prompt' });
    await waitFor(() => [live, behind].every((client) => client.data().includes('prompt')));
    scraped = await scrape(`${server.url}/metrics`);
    expect(value('sse_rx_store_lag_seconds_count')).toBe(1);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '0.25' })).toBe(1);
    expect(value('sse_rx_store_last_lag_seconds')).toBeLessThan(0.25);

    // Held: the XADD goes out, then this process (and its read loop) is busy for 1 s before reading it.
    const appended = store.append({ data: 'held' });
    holdProcess(1000);
    await appended;
    await waitFor(() => [live, behind].every((client) => client.data().includes('held')));
    scraped = await scrape(`${server.url}/metrics`);
    expect(value('sse_rx_store_lag_seconds_count')).toBe(2);
    expect(value('sse_rx_store_last_lag_seconds')).toBeGreaterThan(0.5);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(value('sse_rx_store_lag_seconds_bucket', { le: '+Inf' })).toBe(2);

    // Closed streams leave the store's meters; what was counted stays.
    await Promise.all([live, behind].map((client) => client.close()));
    await waitFor(() => registry.metrics().openStreams === 0);
    scraped = await scrape(`${server.url}/metrics`);
    expect(value('sse_rx_open_streams')).toBe(0);
    expect(value('sse_rx_replayed_events_count')).toBe(1);
    expect(value('sse_rx_store_lag_seconds_count')).toBe(2);
  });

  it('counts a replay longer than a page once, with all its events (60: three pages)', async () => {
    const registry = createStreamRegistry({ name: 'pages' });
    const store = createRedisStore({ redis: suite.redis, stream: 'metered-pages', maxReplay: Infinity });
    const first = await append(suite.publisher, 'metered-pages', { data: 'start' }, { maxEvents: Infinity });
    for (let n = 0; n < 60; n++) await append(suite.publisher, 'metered-pages', { data: String(n) });
    const server = await startServer((req, res) =>
      sendEvents(req, res, store.stream(readLastEventId(req)), { registry, headTimeoutMs: 0 }),
    );
    servers.push(server);
    const client = open(server.url, { 'last-event-id': first });
    await waitFor(() => registry.metrics().replayedEvents.count === 1);
    expect(registry.metrics().replayedEvents.sum).toBe(60);
    expect(client.data()).toHaveLength(60);
    await client.close();
  });

  it('counts the replay and the live lag of a follower of a Redis resumable stream (its shared read loop), not the start', async () => {
    const registry = createStreamRegistry({ name: 'resumable' });
    const streams = createResumableStreams({ store: createRedisResumableStore({ redis: suite.redis }) });
    const server = await startServer((req, res) =>
      sendEvents(req, res, streams.follow('answer', readLastEventId(req)), { registry, headTimeoutMs: 0 }),
    );
    servers.push(server);
    const producer = new Subject<SseMessage>();
    const starting = await toResponse(streams.start('answer', producer), { registry, headTimeoutMs: 0 });
    const reader = starting.body!.getReader();
    const ids: string[] = [];
    const decoder = new SseDecoder({ onEvent: (event) => ids.push(event.lastEventId) });
    await waitFor(() => producer.observed);
    for (const data of ['a', 'b', 'c', 'd', 'e']) producer.next({ data });
    for (let reads = 0; ids.length < 5 && reads < 100; reads++) decoder.feed((await reader.read()).value!);
    // Missed c, d and e: a replay of 3.
    const follower = open(`${server.url}/answer`, { 'last-event-id': ids[1]! });
    await waitFor(() => follower.data().length === 3);
    expect(registry.metrics().replayedEvents).toMatchObject({ count: 1, sum: 3 });
    expect(registry.metrics().storeLag.count).toBe(0);
    // A live event: its lag, from the shared read loop, once for the follower's registry.
    producer.next({ data: 'f' });
    await waitFor(() => follower.data().length === 4);
    expect(registry.metrics().storeLag.count).toBe(1);
    expect(registry.metrics().lastStoreLagSeconds).toBeLessThan(0.25);
    producer.complete();
    await reader.cancel();
    await waitFor(() => registry.metrics().openStreams === 0);
    await follower.close();
  });
});
