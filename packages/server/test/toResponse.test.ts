import { Hono } from 'hono';
import { concat, defer, interval, map, NEVER, of, Subject, take, throwError } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamRegistry, heartbeat, STREAM_READY, toResponse } from '../src/index.js';
import { counted, decode, fetchText, listenFetch, until, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('toResponse', () => {
  it('returns a Response with the event-stream headers and no connection header', async () => {
    const response = await toResponse(of({ data: 'x' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.has('connection')).toBe(false);
  });

  it('applies the status and extra headers', async () => {
    const response = await toResponse(of({ data: 'x' }), { status: 201, headers: { 'x-stream': 'yes' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-stream')).toBe('yes');
  });

  it('takes extra headers as a Headers or as name-value pairs, on streams and on OPTIONS answers', async () => {
    const fromHeaders = await toResponse(of({ data: 'x' }), { headers: new Headers({ 'x-stream': 'headers' }) });
    expect(fromHeaders.headers.get('x-stream')).toBe('headers');
    const pairs: Array<[string, string]> = [
      ['vary', 'origin'],
      ['vary', 'cookie'],
    ];
    const fromPairs = await toResponse(of({ data: 'x' }), { headers: pairs });
    expect(fromPairs.headers.get('vary')).toBe('origin, cookie');
    const options = await toResponse(of({ data: 'x' }), {
      headers: pairs,
      request: new Request('http://x/', { method: 'OPTIONS' }),
    });
    expect(options.status).toBe(204);
    expect(options.headers.get('vary')).toBe('origin, cookie');
  });

  it('becomes a JSON response with the status of an error raised while subscribing', async () => {
    const unauthorized = defer(() => {
      throw Object.assign(new Error('log in first'), { status: 401 });
    });
    const response = await toResponse(unauthorized, {
      mapError: (error) => ({ message: (error as Error).message }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe('{"status":401,"message":"log in first"}');
  });

  it('becomes a 500 JSON response for an error without a status before the first message', async () => {
    const plain = await toResponse(throwError(() => new Error('x')));
    expect(plain.status).toBe(500);
    expect(await plain.text()).toBe('{"status":500,"message":"Internal error"}');
  });

  it('streams an error event for an error after the first message', async () => {
    const late = await toResponse(
      concat(
        of({ data: 'a' }),
        throwError(() => Object.assign(new Error('x'), { status: 404 })),
      ),
    );
    expect(late.status).toBe(200);
    expect(await late.text()).toBe(
      'data: a\n\nevent: error\ndata: {"status":404,"message":"Not found","retryable":false}\n\n',
    );
  });

  it('answers an async error (an auth check that awaits) with its status over a real connection', async () => {
    const seen: unknown[] = [];
    const unauthorized = defer(async (): Promise<SseMessage> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw Object.assign(new Error('token expired'), { status: 401, code: 'TOKEN_EXPIRED' });
    });
    server = await listenFetch((request) =>
      toResponse(unauthorized.pipe(heartbeat(5)), {
        request,
        headers: { 'access-control-allow-origin': '*' },
        onError: (error, req) => seen.push([(error as Error).message, (req as Request).url]),
      }),
    );
    const { status, headers, text } = await fetchText(`${server.url}/feed`);
    expect(status).toBe(401);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(headers.get('access-control-allow-origin')).toBe('*');
    expect(text).toBe('{"status":401,"code":"TOKEN_EXPIRED","message":"Unauthorized"}');
    expect(seen).toEqual([['token expired', `http://127.0.0.1/feed`]]);
  });

  it('answers an early 503 that carries retryAfterMs with Retry-After', async () => {
    const warmingUp = defer(async (): Promise<SseMessage> => {
      throw Object.assign(new Error('warming up'), { status: 503, retryAfterMs: 4000 });
    });
    server = await listenFetch((request) => toResponse(warmingUp, { request }));
    const { status, headers, text } = await fetchText(server.url);
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('4');
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(text).toBe('{"status":503,"message":"Service unavailable"}');
  });

  it('resolves at the first event, at STREAM_READY, or after headTimeoutMs', async () => {
    const source = new Subject<SseMessage>();
    let resolved = false;
    const pending = toResponse(source, { headTimeoutMs: 60_000 });
    void pending.then(() => {
      resolved = true;
    });
    source.next({ comment: 'held' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toBe(false);
    source.next({ data: 'go' });
    source.complete();
    expect(await (await pending).text()).toBe(': held\n\ndata: go\n\n');
    const ready = await toResponse(concat(of(STREAM_READY), of({ data: 'x' })), { headTimeoutMs: 60_000 });
    expect(await ready.text()).toBe('data: x\n\n');
    const silent = counted(NEVER);
    const started = Date.now();
    const late = await toResponse(silent.source$, { headTimeoutMs: 100 });
    expect(late.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await late.body!.cancel();
    expect(silent.active()).toBe(0);
  });

  it('answers HEAD with the headers and OPTIONS with 204, never subscribing', async () => {
    const source = counted(NEVER);
    server = await listenFetch((request) =>
      toResponse(source.source$, { request, headers: { 'access-control-allow-origin': '*' } }),
    );
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const options = await fetch(server.url, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-origin')).toBe('*');
    expect(source.total()).toBe(0);
  });

  it('refuses a headTimeoutMs a timer cannot hold, naming the range', () => {
    for (const headTimeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => toResponse(NEVER, { headTimeoutMs })).toThrow(
        /headTimeoutMs must be a number of milliseconds from 0/,
      );
    }
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

  it("unsubscribes and settles when the request's signal aborts while the head is held, and frees the registry slot", async () => {
    const registry = createStreamRegistry();
    const silent = counted(NEVER);
    const client = new AbortController();
    const request = new Request('http://127.0.0.1/events', { signal: client.signal });
    const pending = toResponse(silent.source$, { request, registry, headTimeoutMs: 60_000 });
    expect(silent.active()).toBe(1);
    expect(registry.metrics().openStreams).toBe(1);
    client.abort();
    expect(silent.active()).toBe(0);
    expect(registry.metrics().openStreams).toBe(0);
    expect(await (await pending).text()).toBe('');
  });

  it("unsubscribes when the request's signal aborts after the head, and ends the body its reader holds", async () => {
    const ticks = counted(interval(5).pipe(map((n) => ({ data: String(n) }))));
    const client = new AbortController();
    const request = new Request('http://127.0.0.1/events', { signal: client.signal });
    const reader = (await toResponse(ticks.source$, { request })).body!.getReader();
    await reader.read();
    client.abort();
    expect(ticks.active()).toBe(0);
    // What was queued before the abort may still come, then the end.
    for (let reads = 0; !(await reader.read()).done; reads++) expect(reads).toBeLessThan(3);
  });

  it('never keeps a source subscribed for a request already aborted', async () => {
    const silent = counted(NEVER);
    const request = new Request('http://127.0.0.1/events', { signal: AbortSignal.abort() });
    const response = await toResponse(silent.source$, { request, headTimeoutMs: 60_000 });
    expect(silent.active()).toBe(0);
    expect(await response.text()).toBe('');
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
    expect(text).toBe(': sse-rx heartbeat-ms=10000\n\ndata: 0\n\ndata: 1\n\n');
  });
});
