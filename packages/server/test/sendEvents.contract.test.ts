import { concat, defer, mergeMap, NEVER, of, startWith, Subject, throwError, timer, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { heartbeat, retryHint, sendEvents, STREAM_READY, type SendEventsConfig } from '../src/index.js';
import { fetchText, listen, until, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(source: () => Observable<SseMessage>, config?: SendEventsConfig) {
  server = await listen((req, res) => void sendEvents(req, res, source(), config));
  return server;
}

const withStatus = (status: number, message = 'secret detail', extra: object = {}) =>
  Object.assign(new Error(message), { status }, extra);
/** An auth check that awaits, then refuses. */
const asyncRefusal = (status: number) =>
  defer(async (): Promise<SseMessage> => {
    await Promise.resolve();
    throw withStatus(status);
  });

describe('sendEvents: the error contract before the stream starts', () => {
  it('answers an async error with its HTTP status and a JSON body, not 200 + event: error', async () => {
    const { url } = await serve(() => asyncRefusal(401));
    const { status, headers, text } = await fetchText(url);
    expect(status).toBe(401);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(text).toBe('{"status":401,"message":"Unauthorized"}');
  });

  it('answers an error without a status with 500 and the generic body', async () => {
    const { url } = await serve(() => timer(20).pipe(mergeMap(() => throwError(() => new Error('db password')))));
    const { status, text } = await fetchText(url);
    expect(status).toBe(500);
    expect(text).toBe('{"status":500,"message":"Internal error"}');
  });

  it('keeps holding the head through comments, the heartbeat announcement and a retry hint', async () => {
    const late = timer(80).pipe(mergeMap(() => throwError(() => withStatus(403, 'x', { code: 'NO_SEAT' }))));
    const { url } = await serve(() => late.pipe(heartbeat(10), retryHint(1000)));
    const { status, text } = await fetchText(url);
    expect(status).toBe(403);
    expect(text).toBe('{"status":403,"code":"NO_SEAT","message":"Forbidden"}');
  });

  it("sends the error's own message only when it is marked expose: true", async () => {
    const exposed = defer(async (): Promise<SseMessage> => {
      throw withStatus(404, 'no such room', { expose: true });
    });
    const { url } = await serve(() => exposed);
    expect((await fetchText(url)).text).toBe('{"status":404,"message":"no such room"}');
  });

  it('carries the extra headers (CORS) on the error answer', async () => {
    const { url } = await serve(() => asyncRefusal(401), { headers: { 'access-control-allow-origin': '*' } });
    const { status, headers } = await fetchText(url);
    expect(status).toBe(401);
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  it('adds Retry-After, in whole seconds rounded up, to a 429 or 503 that carries retryAfterMs', async () => {
    const refusal = (status: number, retryAfterMs: unknown) =>
      defer(async (): Promise<SseMessage> => {
        throw withStatus(status, 'x', { retryAfterMs });
      });
    const retryAfterOf = async (status: number, retryAfterMs: unknown) => {
      const { url } = await serve(() => refusal(status, retryAfterMs));
      const answer = await fetchText(url);
      await server!.close();
      server = undefined;
      expect(answer.status).toBe(status);
      return answer.headers.get('retry-after');
    };
    expect(await retryAfterOf(429, 1500)).toBe('2');
    expect(await retryAfterOf(503, 0)).toBe('0');
    // Only 429 and 503 take it; an unusable hint gives no header, never a broken answer.
    expect(await retryAfterOf(401, 5000)).toBeNull();
    expect(await retryAfterOf(503, -1)).toBeNull();
    expect(await retryAfterOf(503, '5000')).toBeNull();
    expect(await retryAfterOf(503, 2 ** 31)).toBeNull();
  });

  it('takes retryAfterMs from mapError too, and never puts it in an event: error', async () => {
    const upstreamDown = () => new Error('upstream down');
    const mapError = () => ({ status: 503, retryAfterMs: 3000 });
    const { url } = await serve(() => throwError(upstreamDown), { mapError });
    const early = await fetchText(url);
    expect([early.status, early.headers.get('retry-after')]).toEqual([503, '3']);
    await server!.close();
    const late = await serve(() => concat(of({ data: 'x' }), throwError(upstreamDown)), { mapError });
    expect((await fetchText(late.url)).text).toBe(
      'data: x\n\nevent: error\ndata: {"status":503,"message":"Service unavailable","retryable":true}\n\n',
    );
  });

  it('sends the head, then the held comments, at the first event', async () => {
    const source = new Subject<SseMessage>();
    const { url } = await serve(() => source.pipe(heartbeat(60_000), retryHint(1000)), { headTimeoutMs: 60_000 });
    const response = fetch(url);
    await new Promise((resolve) => setTimeout(resolve, 0));
    let opened = false;
    void response.then(() => (opened = true));
    await until(() => source.observed);
    expect(opened).toBe(false);
    source.next({ data: 'first' });
    source.complete();
    const result = await response;
    expect(result.status).toBe(200);
    expect(await result.text()).toBe('retry: 1000\n\n: sse-rx heartbeat-ms=60000\n\ndata: first\n\n');
  });

  it('sends the head at once on STREAM_READY, which puts nothing on the wire', async () => {
    const source = new Subject<SseMessage>();
    const { url } = await serve(() => source.pipe(startWith(STREAM_READY)), { headTimeoutMs: 60_000 });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    source.next({ data: 'a' });
    source.complete();
    expect(await response.text()).toBe('data: a\n\n');
  });

  it('sends the head after headTimeoutMs when the source stays silent', async () => {
    const { url } = await serve(() => NEVER, { headTimeoutMs: 150 });
    const started = Date.now();
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    controller.abort();
  });
});

describe('sendEvents: the error contract after the stream started', () => {
  it('sends event: error with status, message and retryable, then ends', async () => {
    const { url } = await serve(() =>
      concat(
        of({ data: 'a' }),
        throwError(() => withStatus(404)),
      ),
    );
    const { status, text } = await fetchText(url);
    expect(status).toBe(200);
    expect(text).toBe('data: a\n\nevent: error\ndata: {"status":404,"message":"Not found","retryable":false}\n\n');
  });

  it('marks an unmapped error, 408 and 429 retryable', async () => {
    for (const [error, data] of [
      [new Error('x'), '{"status":500,"message":"Internal error","retryable":true}'],
      [withStatus(408), '{"status":408,"message":"Request timeout","retryable":true}'],
      [withStatus(429), '{"status":429,"message":"Too many requests","retryable":true}'],
    ] as const) {
      const { url } = await serve(() =>
        concat(
          of({ data: 'a' }),
          throwError(() => error),
        ),
      );
      expect((await fetchText(url)).text).toBe(`data: a\n\nevent: error\ndata: ${data}\n\n`);
      await server!.close();
    }
  });

  it('uses the fields mapError gives and fills in the rest', async () => {
    const { url } = await serve(
      () =>
        concat(
          of({ data: 'a' }),
          throwError(() => new Error('x')),
        ),
      {
        mapError: () => ({ status: 503, code: 'UPSTREAM_DOWN' }),
      },
    );
    expect((await fetchText(url)).text).toBe(
      'data: a\n\nevent: error\ndata: {"status":503,"code":"UPSTREAM_DOWN","message":"Service unavailable","retryable":true}\n\n',
    );
  });

  it('falls back to the generic body when mapError throws or returns what JSON cannot hold', async () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const mappers = [
      () => {
        throw new Error('mapper bug');
      },
      () => ({ message: 10n }),
      () => ({ code: circular }),
      () => 'a string',
    ] as unknown as Array<SendEventsConfig['mapError']>;
    for (const mapError of mappers) {
      const { url } = await serve(
        () =>
          concat(
            of({ data: 'a' }),
            throwError(() => new Error('x')),
          ),
        { mapError },
      );
      expect((await fetchText(url)).text).toBe(
        'data: a\n\nevent: error\ndata: {"status":500,"message":"Internal error","retryable":true}\n\n',
      );
      await server!.close();
    }
  });

  it('reports every error it mapped away to onError, with the request', async () => {
    const seen: Array<[unknown, string | undefined]> = [];
    const boom = new Error('boom');
    const { url } = await serve(
      () =>
        concat(
          of({ data: 'a' }),
          throwError(() => boom),
        ),
      {
        onError: (error, request) => seen.push([error, request?.url]),
      },
    );
    await fetchText(`${url}/feed`);
    expect(seen).toEqual([[boom, '/feed']]);
  });

  it('survives an onError that throws', async () => {
    const { url } = await serve(() => asyncRefusal(401), {
      onError: () => {
        throw new Error('logger down');
      },
    });
    expect((await fetchText(url)).status).toBe(401);
  });
});
