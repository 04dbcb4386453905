import { firstValueFrom, lastValueFrom, take, tap, toArray, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SseProtocolError } from 'sse-rx-codec';
import {
  fromSse,
  isSseHttpError,
  isSseNetworkError,
  parseJson,
  SseHttpError,
  type SseConnectionState,
} from '../src/index.js';
import { openStream, startServer, type TestServer } from './server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { initialDelayMs: 5, jitter: false };

/** The error a subscription ends with. */
function errorOf(source: Observable<unknown>): Promise<unknown> {
  return lastValueFrom(source).then(
    () => new Error('expected an error'),
    (error: unknown) => error,
  );
}

describe('fromSse', () => {
  it('emits the events of a one-shot stream and completes at the end of the body', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.end('event: tick\nid: 1\ndata: {"n":1}\n\ndata: hello\n\n');
    });
    const events = await lastValueFrom(
      fromSse<{ tick: { n: number }; message: string }>(server.url, { reconnect: false }).pipe(toArray()),
    );
    expect(events).toEqual([
      { type: 'tick', data: '{"n":1}', lastEventId: '1' },
      { type: 'message', data: 'hello', lastEventId: '1' },
    ]);
  });

  it('sends the method, headers and body of the request, and asks for an event stream', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.end('data: ok\n\n');
    });
    const init = {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"prompt":"hi"}',
    };
    await lastValueFrom(fromSse(server.url, { ...init, reconnect: false }));
    const [seen] = server.requests;
    expect(seen?.method).toBe('POST');
    expect(seen?.body).toBe('{"prompt":"hi"}');
    expect(seen?.headers.authorization).toBe('Bearer t');
    expect(seen?.headers.accept).toBe('text/event-stream');
    expect(seen?.headers['last-event-id']).toBeUndefined();
  });

  it('calls an init function before every attempt, so each request gets a fresh token', async () => {
    server = await startServer((_req, res, index) => {
      openStream(res);
      res.end(`data: ${index}\n\n`);
    });
    let token = 0;
    const init = async () => ({ headers: { authorization: `Bearer ${++token}` } });
    await lastValueFrom(fromSse(server.url, { init, reconnect: fast }).pipe(take(2)));
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer 1', 'Bearer 2']);
  });

  it('aborts the request on unsubscribe, and the server sees its socket close', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.write('data: first\n\n');
    });
    const first = await firstValueFrom(fromSse(server.url));
    expect(first.data).toBe('first');
    await server.requests[0]?.closed;
  });

  it('fails with an SseHttpError carrying status, headers and the start of the body on a 500', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain', 'x-trace': 'abc' });
      res.end('x'.repeat(2000));
    });
    const error = await errorOf(fromSse(server.url, { reconnect: false }));
    expect(error).toBeInstanceOf(SseHttpError);
    if (!isSseHttpError(error)) throw error;
    expect(error.status).toBe(500);
    expect(error.headers.get('x-trace')).toBe('abc');
    expect(error.bodySnippet).toBe('x'.repeat(512));
    expect(error.response.status).toBe(500);
  });

  it('fails on a 401 without retrying it, even when reconnecting', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"token expired"}');
    });
    const error = await errorOf(fromSse(server.url, { reconnect: fast }));
    expect(isSseHttpError(error) && [error.status, error.bodySnippet]).toEqual([401, '{"error":"token expired"}']);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with an SseHttpError when the content type is not text/event-stream', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const error = await errorOf(fromSse(server.url, { reconnect: false }));
    expect(isSseHttpError(error) && error.status).toBe(200);
    expect((error as Error).message).toContain('application/json');
  });

  it('completes on a 204, which means do not reconnect', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const events = await lastValueFrom(fromSse(server.url, { reconnect: fast }).pipe(toArray()));
    expect(events).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with an SseNetworkError when a one-shot stream breaks, dropping the unfinished event', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.write('data: a\n\ndata: unfinish', () => res.destroy());
    });
    const events: string[] = [];
    const error = await errorOf(fromSse(server.url, { reconnect: false }).pipe(tap((e) => events.push(e.data))));
    expect(isSseNetworkError(error)).toBe(true);
    expect(events).toEqual(['a']);
    expect(server.requests).toHaveLength(1);
  });

  it('reconnects after a connection dropped mid-event with Last-Event-ID and gets every event exactly once', async () => {
    server = await startServer((_req, res, index) => {
      openStream(res);
      if (index === 0) {
        res.write('id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\nda', () => res.destroy());
      } else {
        res.write('id: 3\ndata: c\n\nid: 4\ndata: d\n\n');
      }
    });
    const events = await lastValueFrom(fromSse(server.url, { reconnect: fast }).pipe(take(4), toArray()));
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
  });

  it('keeps the resume state of each subscription apart', async () => {
    server = await startServer((req, res) => {
      openStream(res);
      if (req.headers['last-event-id'] === undefined) {
        const id = req.url === '/a' ? 'a1' : 'b1';
        res.end(`id: ${id}\ndata: x\n\n`);
      } else res.write('data: y\n\n');
    });
    const a = lastValueFrom(fromSse(`${server.url}a`, { reconnect: fast }).pipe(take(2)));
    const b = lastValueFrom(fromSse(`${server.url}b`, { reconnect: fast }).pipe(take(2)));
    await Promise.all([a, b]);
    const resumed = server.requests.filter((r) => r.headers['last-event-id'] !== undefined);
    expect(resumed.map((r) => `${r.url} ${String(r.headers['last-event-id'])}`).sort()).toEqual(['/a a1', '/b b1']);
  });

  it('resumes from an id sent in a block without data', async () => {
    server = await startServer((_req, res, index) => {
      openStream(res);
      res.end(index === 0 ? 'id: 1\ndata: a\n\nid: 9\n\n' : 'data: b\n\n');
    });
    await lastValueFrom(fromSse(server.url, { reconnect: fast }).pipe(take(2)));
    expect(server.requests[1]?.headers['last-event-id']).toBe('9');
  });

  it('reconnects when the server ends the stream, no sooner than its retry: value', async () => {
    const arrivals: number[] = [];
    server = await startServer((_req, res, index) => {
      arrivals.push(performance.now());
      openStream(res);
      res.end(index === 0 ? 'retry: 50\nid: 7\ndata: one\n\n' : 'data: two\n\n');
    });
    const events = await lastValueFrom(
      fromSse(server.url, { reconnect: { initialDelayMs: 1 } }).pipe(take(2), toArray()),
    );
    expect(events.map((e) => e.data)).toEqual(['one', 'two']);
    expect(server.requests[1]?.headers['last-event-id']).toBe('7');
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(45);
  });

  it('recovers from a 500 followed by a 200', async () => {
    server = await startServer((_req, res, index) => {
      if (index === 0) {
        res.writeHead(500);
        res.end('down');
        return;
      }
      openStream(res);
      res.write('data: back\n\n');
    });
    const event = await firstValueFrom(fromSse(server.url, { reconnect: fast }));
    expect(event.data).toBe('back');
    expect(server.requests).toHaveLength(2);
  });

  it('starts from the lastEventId option, and a new subscription starts fresh from it again', async () => {
    server = await startServer((_req, res, index) => {
      openStream(res);
      res.end(`id: ${index + 10}\ndata: x\n\n`);
    });
    const source = fromSse(server.url, { lastEventId: '5', reconnect: false });
    await lastValueFrom(source);
    await lastValueFrom(source);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual(['5', '5']);
  });

  it('aborts and reconnects a stream that stalls longer than stallTimeoutMs', async () => {
    server = await startServer((_req, res, index) => {
      openStream(res);
      if (index === 0) res.write(': hello\n\n');
      else res.write('data: fresh\n\n');
    });
    const event = await firstValueFrom(fromSse(server.url, { reconnect: fast, stallTimeoutMs: 100 }));
    expect(event.data).toBe('fresh');
    await server.requests[0]?.closed;
  });

  it('fails with a typed max-size-exceeded error on an endless line, aborts, and does not retry', async () => {
    const sent = { bytes: 0 };
    server = await startServer((_req, res) => {
      openStream(res);
      res.write('data: before\n\ndata: ');
      // An endless line, bounded here: 64 writes of 16 KiB (1 MiB) unless the client goes first.
      const chunk = 'x'.repeat(16 * 1024);
      const timer = setInterval(() => {
        if (res.destroyed || sent.bytes >= 1024 * 1024) return clearInterval(timer);
        sent.bytes += chunk.length;
        res.write(chunk);
      }, 1);
      res.on('close', () => clearInterval(timer));
    });
    const seen: string[] = [];
    const error = await errorOf(
      fromSse(server.url, { reconnect: fast, maxEventSize: 64 * 1024 }).pipe(tap((event) => seen.push(event.data))),
    );
    expect(seen).toEqual(['before']);
    expect(error).toBeInstanceOf(SseProtocolError);
    expect((error as SseProtocolError).type).toBe('max-size-exceeded');
    expect((error as SseProtocolError).message).toMatch(/maxEventSize \(65536 characters\)/);
    await server.requests[0]?.closed;
    expect(sent.bytes).toBeLessThan(1024 * 1024);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the connection open when one payload is not JSON: parseJson reports it and the stream goes on', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.write('id: 1\ndata: {"n":1}\n\nid: 2\ndata: {oops\n\nid: 3\ndata: {"n":3}\n\n');
    });
    const bad: string[] = [];
    const values = await firstValueFrom(
      fromSse<{ message: { n: number } }>(server.url).pipe(
        parseJson({ onInvalid: (error) => bad.push(error.data) }),
        take(2),
        toArray(),
      ),
    );
    expect(values.map((v) => [v.lastEventId, v.data.n])).toEqual([
      ['1', 1],
      ['3', 3],
    ]);
    expect(bad).toEqual(['{oops']);
    expect(server.requests).toHaveLength(1);
  });

  it('throws a TypeError at once for reconnect settings that make no sense', () => {
    expect(() => fromSse('http://127.0.0.1:1/', { reconnect: { factor: 0 } })).toThrow(TypeError);
  });

  it('reports connection states: connecting, open, reconnecting, closed', async () => {
    server = await startServer((_req, res, index) => {
      if (index === 0) {
        res.writeHead(503);
        res.end();
        return;
      }
      openStream(res);
      res.write('data: ok\n\n');
    });
    const states: SseConnectionState['status'][] = [];
    await firstValueFrom(fromSse(server.url, { reconnect: fast, onState: (s) => states.push(s.status) }));
    expect(states).toEqual(['connecting', 'reconnecting', 'connecting', 'open', 'closed']);
  });
});
