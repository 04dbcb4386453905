import { Hono } from 'hono';
import { concat, defer, interval, map, of, take, throwError } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { heartbeat, toResponse } from '../src/index.js';
import { counted, decode, fetchText, listenFetch, until, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('toResponse', () => {
  it('returns a Response with the event-stream headers and no connection header', () => {
    const response = toResponse(of({ data: 'x' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.has('connection')).toBe(false);
  });

  it('applies the status and extra headers', () => {
    const response = toResponse(of({ data: 'x' }), { status: 201, headers: { 'x-stream': 'yes' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-stream')).toBe('yes');
  });

  it('becomes a JSON response with the status of an error raised while subscribing', async () => {
    const unauthorized = defer(() => {
      throw Object.assign(new Error('log in first'), { status: 401 });
    });
    const response = toResponse(unauthorized, { mapError: (error) => ({ message: (error as Error).message }) });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe('{"message":"log in first"}');
  });

  it('streams an error event for errors without a status or after the first message', async () => {
    const plain = toResponse(throwError(() => new Error('x')));
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe('event: error\ndata: {"message":"Internal error"}\n\n');
    const late = toResponse(
      concat(
        of({ data: 'a' }),
        throwError(() => Object.assign(new Error('x'), { status: 404 })),
      ),
    );
    expect(late.status).toBe(200);
    expect(await late.text()).toBe('data: a\n\nevent: error\ndata: {"message":"Internal error"}\n\n');
  });

  it('streams the exact wire text to a real fetch client', async () => {
    server = await listenFetch(() => toResponse(of({ retry: 10 }, { event: 'tick', id: '7', data: '{"n":7}' })));
    const { status, headers, text } = await fetchText(server.url);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).toBe('retry: 10\n\nevent: tick\nid: 7\ndata: {"n":7}\n\n');
    expect(decode(text)).toMatchObject({
      retries: [10],
      events: [{ type: 'tick', data: '{"n":7}', lastEventId: '7' }],
    });
  });

  it('unsubscribes from the source when 200 clients disconnect', async () => {
    const ticks = counted(interval(5).pipe(map((n) => ({ data: String(n) }))));
    server = await listenFetch(() => toResponse(ticks.source$));
    const url = server.url;
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        const controller = new AbortController();
        const reader = (await fetch(url, { signal: controller.signal })).body!.getReader();
        await reader.read();
        controller.abort();
        await reader.read().catch(() => undefined);
      }),
    );
    expect(ticks.total()).toBe(200);
    await until(() => ticks.active() === 0);
  });

  it('serves a Hono route over a real connection', async () => {
    const app = new Hono();
    app.get('/ticks', () =>
      toResponse(
        interval(1).pipe(
          take(2),
          map((n) => ({ data: String(n) })),
          heartbeat(10_000),
        ),
      ),
    );
    server = await listenFetch((request) => app.fetch(request));
    const { status, headers, text } = await fetchText(`${server.url}/ticks`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).toBe('data: 0\n\ndata: 1\n\n');
  });
});
