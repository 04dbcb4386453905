import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  connectSse,
  fromSse,
  isSseHttpError,
  isSseServerError,
  parseJson,
  SseStallError,
  validate,
  type SseReset,
} from '../src/index.js';
import { errorWithin } from './errorWithin.js';
import { openStream, startServer, type TestServer } from './server.js';

// Issue 11, the client half of the wire contract (see the README's "The wire contract"), over real
// sockets against small node:http servers that send the contract's exact bytes.

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

const fast = { initialDelayMs: 5, jitter: false };

describe('fromSse and the server error contract', () => {
  it('ends with an SseServerError after exactly 1 request on a non-retryable event: error', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.end(
        'event: error\ndata: {"status":401,"code":"unauthenticated","message":"Log in first","retryable":false}\n\n',
      );
    });
    const received: string[] = [];
    const error = await errorWithin(fromSse(server.url).pipe(tap((e) => received.push(e.type))), 3000);
    expect(isSseServerError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, code: 'unauthenticated', message: 'Log in first', retryable: false });
    expect(received).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a retryable event: error with backoff and resumes with Last-Event-ID', async () => {
    const server = await serve((_req, res, index) => {
      openStream(res);
      if (index === 0)
        res.end('id: 1\ndata: a\n\nevent: error\ndata: {"message":"Internal error","retryable":true}\n\n');
      else res.write('id: 2\ndata: b\n\n');
    });
    const events = await lastValueFrom(fromSse(server.url, { reconnect: fast }).pipe(take(2), toArray()));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1']);
  });

  it('never counts a retryable event: error as a healthy event: the attempt count keeps growing', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.end('data: a\n\nevent: error\ndata: {"message":"Internal error","retryable":true}\n\n');
    });
    const attempts: number[] = [];
    const error = await errorWithin(
      fromSse(server.url, { reconnect: { ...fast, maxAttempts: 3, onRetry: ({ attempt }) => attempts.push(attempt) } }),
      3000,
    );
    expect(isSseServerError(error) && error.retryable).toBe(true);
    expect(attempts).toEqual([1, 2, 3]);
    expect(server.requests).toHaveLength(4);
  });

  it('keeps any other event: error an ordinary event, and every event: error with serverErrors: false', async () => {
    const contract = 'event: error\ndata: {"message":"x","retryable":false}\n\n';
    const server = await serve((_req, res) => {
      openStream(res);
      res.end(`event: error\ndata: oops\n\nevent: error\ndata: {"message":"no retryable"}\n\n${contract}`);
    });
    const error = await errorWithin(fromSse(server.url, { reconnect: false }), 3000);
    expect(isSseServerError(error)).toBe(true);
    const plain = await lastValueFrom(fromSse(server.url, { reconnect: false, serverErrors: false }).pipe(toArray()));
    expect(plain.map((e) => `${e.type}:${e.data}`)).toEqual([
      'error:oops',
      'error:{"message":"no retryable"}',
      'error:{"message":"x","retryable":false}',
    ]);
  });

  it('ends at once on a 401 before the stream (JSON body), with its status and body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"status":401,"code":"unauthenticated","message":"Log in first"}');
    });
    const error = await errorWithin(fromSse(server.url), 3000);
    expect(isSseHttpError(error) && [error.status, JSON.parse(error.bodySnippet).code]).toEqual([
      401,
      'unauthenticated',
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it("reads code and message out of a contract JSON body onto SseHttpError, so an app can show the server's message", async () => {
    const bodies = [
      '{"status":403,"code":"NO_SEAT","message":"Your plan has no seat left"}',
      '{"status":403,"message":"Forbidden"}',
      // Not the contract: another status in the body, a non-string message, not JSON.
      '{"status":500,"code":"X","message":"m"}',
      '{"status":403,"code":"X","message":7}',
      'Forbidden',
    ];
    const server = await serve((_req, res, index) => {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
      res.end(bodies[index]);
    });
    const seen: unknown[] = [];
    for (const body of bodies) {
      const error = await errorWithin(fromSse(server.url), 3000);
      if (!isSseHttpError(error)) throw error;
      expect(error.bodySnippet).toBe(body);
      seen.push([error.code, error.serverMessage]);
    }
    expect(seen).toEqual([
      ['NO_SEAT', 'Your plan has no seat left'],
      [undefined, 'Forbidden'],
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });
});

describe('fromSse Last-Event-ID', () => {
  it.each(['order-€-1', 'café-7', 'emoji-🎉-3', '注文-42'])('sends id %s back UTF-8 encoded', async (id) => {
    const server = await serve((_req, res, index) => {
      openStream(res);
      if (index === 0) res.end(`id: ${id}\ndata: first\n\n`);
      else res.write('data: second\n\n');
    });
    const events = await lastValueFrom(fromSse(server.url, { reconnect: fast }).pipe(take(2), toArray()));
    expect(events.map((e) => e.data)).toEqual(['first', 'second']);
    // Node gives header bytes as latin1 characters: read them back as UTF-8.
    const sent = String(server.requests[1]?.headers['last-event-id']);
    expect(Buffer.from(sent, 'latin1').toString('utf8')).toBe(id);
  });
});

describe('fromSse bounded waits', () => {
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
    silent = undefined;
  });

  it('gives up on a server that accepts TCP and never answers after connectTimeoutMs', async () => {
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const error = await errorWithin(
      fromSse(`http://127.0.0.1:${port}/`, { reconnect: false, connectTimeoutMs: 300 }),
      3000,
    );
    expect(error).toBeInstanceOf(SseStallError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads the body of a 502 that drips one byte every 500 ms for a bounded time', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.write('B');
      const drip = setInterval(() => res.write('a'), 500);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    const error = await errorWithin(fromSse(server.url, { reconnect: false }), 5000);
    expect(isSseHttpError(error) && error.status).toBe(502);
    expect(isSseHttpError(error) && error.bodySnippet.startsWith('B')).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('fromSse liveness', () => {
  it('arms the stall watchdog from the heartbeat announcement (about 2.5 intervals)', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.write(': sse-rx heartbeat-ms=100\n\ndata: hello\n\n'); // then silence
    });
    const started = Date.now();
    const error = await errorWithin(fromSse(server.url, { reconnect: false }), 3000);
    expect(error).toBeInstanceOf(SseStallError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never aborts a stream whose bytes keep coming within stallTimeoutMs, and aborts it once they stop', async () => {
    // A comment every 50 ms for 30 beats (1.5 s, longer than the 1 s limit), then silence.
    const server = await serve((_req, res) => {
      openStream(res);
      let beats = 0;
      const beat = setInterval(() => {
        res.write(': ping\n\n');
        if (++beats === 30) clearInterval(beat);
      }, 50);
      res.on('close', () => clearInterval(beat));
    });
    let chunks = 0;
    let lastChunkMs = 0;
    const started = Date.now();
    const error = await errorWithin(
      fromSse(server.url, {
        reconnect: false,
        stallTimeoutMs: 1000,
        onActivity: ({ atMs }) => {
          chunks += 1;
          lastChunkMs = atMs;
        },
      }),
      10_000,
    );
    expect(error).toBeInstanceOf(SseStallError);
    // Every beat arrived before the watchdog fired (a timer never pushed back would fire at 1 s,
    // after about 20), and it fired only once the limit had passed since the last one.
    expect(chunks).toBeGreaterThanOrEqual(30);
    expect(Date.now() - lastChunkMs).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30 * 50 + 990);
  });

  it('keeps an explicit stallTimeoutMs over the announced interval', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.write(': sse-rx heartbeat-ms=20\n\n');
    });
    const started = Date.now();
    const error = await errorWithin(fromSse(server.url, { reconnect: false, stallTimeoutMs: 800 }), 3000);
    expect(error).toBeInstanceOf(SseStallError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
  });

  it('shows activity on connectSse: every byte, heartbeat comments included, with the announced interval', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.write(': sse-rx heartbeat-ms=15000\n\n');
      let sent = 0;
      const beat = setInterval(() => {
        res.write(sent++ < 3 ? ':\n\n' : 'data: done\n\n');
      }, 30);
      res.on('close', () => clearInterval(beat));
    });
    const { events$, activity$ } = connectSse(server.url);
    const activity: Array<{ atMs: number; heartbeatMs: number | undefined }> = [];
    const watching = activity$.subscribe((a) => activity.push(a));
    await firstValueFrom(events$);
    watching.unsubscribe();
    expect(activity.length).toBeGreaterThanOrEqual(4);
    expect(activity.at(-1)?.heartbeatMs).toBe(15000);
    expect(activity.every((a, i) => i === 0 || a.atMs >= (activity[i - 1]?.atMs ?? 0))).toBe(true);
  });
});

describe('fromSse reset', () => {
  const resetBytes = 'event: reset\ndata: {"reason":"trimmed","lastEventId":"5"}\nid: 9\n\n';

  it('calls onReset with the reason, the id sent and the new id; parseJson and validate neither report nor fail on it', async () => {
    const server = await serve((_req, res) => {
      openStream(res);
      res.end(`${resetBytes}event: ping\ndata:\n\nid: 10\ndata: {"n":10}\n\n`);
    });
    const resets: SseReset[] = [];
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const source = fromSse(server.url, { reconnect: false, lastEventId: '5', onReset: (r) => resets.push(r) });
      const parsed = await lastValueFrom(source.pipe(parseJson(), toArray()));
      const checked = await lastValueFrom(
        source.pipe(parseJson(), validate(z.object({ n: z.number() }), { onInvalid: 'error' }), toArray()),
      );
      expect(parsed.map((e) => e.type)).toEqual(['reset', 'message']);
      expect(checked.map((e) => e.data)).toEqual([{ n: 10 }]);
      expect(report).not.toHaveBeenCalled();
    } finally {
      report.mockRestore();
    }
    expect(resets[0]).toEqual({ reason: 'trimmed', lastEventId: '5', id: '9' });
    expect(server.requests[0]?.headers['last-event-id']).toBe('5');
  });
});
