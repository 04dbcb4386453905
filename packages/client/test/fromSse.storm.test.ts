import { lastValueFrom, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fromSse, type SseConnectionState } from '../src/index.js';
import { waitFor } from '../../../test/support/http.js';
import { errorWithin } from './errorWithin.js';
import { openStream, startServer, type TestServer } from './server.js';

// Issue 11: retry rules a server (hostile or unlucky) must not be able to turn into a request storm.
// Each case counts the requests one default client makes in a 5 s window, over real sockets.

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const WINDOW_MS = 5000;

/** Subscribes for `WINDOW_MS` and returns how many requests the server saw. */
async function requestsIn(source: Observable<unknown>, requests: unknown[]): Promise<number> {
  const subscription = source.subscribe({ error: () => undefined });
  await waitFor(() => requests.length > 20, WINDOW_MS, 'a storm').catch(() => undefined);
  subscription.unsubscribe();
  return requests.length;
}

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

describe('fromSse retry rules that cannot storm', () => {
  it('keeps hostile Retry-After and retry: values to a few requests in 5 s, with no TimeoutOverflowWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const retryAfters = [
        '0',
        new Date(Date.now() - 60_000).toUTCString(),
        '-5',
        '9999999999',
        'Fri, 01 Jan 2100 00:00:00 GMT',
      ];
      const cases = [
        ...retryAfters.map((value) =>
          serve((_req, res) => res.writeHead(503, { 'retry-after': value }).end()).then((s) => ({ value, s })),
        ),
        serve((_req, res) => {
          openStream(res);
          res.end('retry: 99999999999\ndata: x\n\n');
        }).then((s) => ({ value: 'retry: 99999999999', s })),
      ];
      const started = await Promise.all(cases);
      const counts = await Promise.all(
        started.map(async ({ value, s }) => [value, await requestsIn(fromSse(s.url), s.requests)] as const),
      );
      expect(counts.filter(([, count]) => count > 4)).toEqual([]);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  }, 15_000);

  it('keeps backing off from a server that sends one event and then ends the stream', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.end('data: one\n\n');
    });
    expect(await requestsIn(fromSse(server.url), server.requests)).toBeLessThanOrEqual(4);
  }, 10_000);

  it('spreads 300 clients told 503 Retry-After: 5 over at least a second on their second wave', async () => {
    const seen = new Map<string, number[]>();
    const server = await serve((req, res) => {
      const client = String(req.headers['x-client']);
      seen.set(client, [...(seen.get(client) ?? []), Date.now()]);
      res.writeHead(503, { 'retry-after': '5' }).end();
    });
    const subscriptions = Array.from({ length: 300 }, (_, i) =>
      fromSse(server.url, { headers: { 'x-client': String(i) } }).subscribe({ error: () => undefined }),
    );
    try {
      // 5 s plus up to 50% jitter after a first wave that a loaded machine spreads over seconds too.
      await waitFor(() => server.requests.length >= 600, 30_000, 'the second wave');
    } finally {
      for (const s of subscriptions) s.unsubscribe();
    }
    // Each client's wait between its first and second request: Retry-After is a minimum, jitter spreads the herd.
    const waits = [...seen.values()].filter((times) => times.length >= 2).map(([a = 0, b = 0]) => b - a);
    expect(waits.length).toBeGreaterThanOrEqual(250);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(4900);
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThanOrEqual(1000);
  }, 40_000);

  it('sends a POST exactly once with default options, and completes at the end of its stream', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.end('data: answer\n\n');
    });
    const events = await lastValueFrom(fromSse(server.url, { method: 'POST', body: '{}' }), { defaultValue: null });
    expect(events?.data).toBe('answer');
    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
  }, 10_000);

  it('does not re-send a POST that failed with a 503 unless reconnect is set explicitly', async () => {
    const server = await serve((_req, res, index) => {
      if (index === 0) {
        res.writeHead(503).end();
        return;
      }
      openStream(res);
      res.end('data: ok\n\n');
    });
    const error = await errorWithin(fromSse(server.url, { method: 'POST', body: '{}' }), 3000);
    expect((error as Error).name).toBe('SseHttpError');
    expect(server.requests).toHaveLength(1);
    const optedIn = fromSse(server.url, {
      method: 'POST',
      body: '{}',
      reconnect: { initialDelayMs: 5, maxAttempts: 2 },
    });
    expect((await errorWithin(optedIn, 3000)) as Error).toHaveProperty('name', 'SseStreamEndedError');
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
  }, 10_000);

  it('refuses a method that only init gives, when the default reconnect rule depends on it', async () => {
    const server = await serve((_req, res) => res.writeHead(500).end());
    const error = await errorWithin(fromSse(server.url, { init: () => ({ method: 'POST' }) }), 1000);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/set method in the config/);
    expect(server.requests).toHaveLength(0);
  });

  it('fails fast, never retried, on an invalid URL, a relative URL in Node, or a request that cannot be built', async () => {
    const server = await serve((_req, res) => res.writeHead(500).end());
    const states: SseConnectionState['status'][] = [];
    const cases = [
      fromSse('not a url', { onState: (s) => states.push(s.status) }),
      fromSse('/events'),
      fromSse(server.url, { body: 'a GET cannot have a body' }),
    ];
    const errors = await Promise.all(cases.map((source) => errorWithin(source, 1000)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/fromSse/);
    }
    expect(states).not.toContain('reconnecting');
    expect(server.requests).toHaveLength(0);
  });
});
