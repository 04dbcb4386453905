import { connect } from 'node:net';
import type { ServerResponse } from 'node:http';
import {
  concat,
  defer,
  delay,
  interval,
  map,
  mergeMap,
  NEVER,
  of,
  range,
  Subject,
  take,
  throwError,
  type Observable,
} from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamRegistry, sendEvents, SseInvalidMessageError } from '../src/index.js';
import { counted, decode, fetchText, listen, until, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves `source()` with sendEvents for every request. */
async function serve(source: () => Observable<SseMessage>, config?: Parameters<typeof sendEvents>[3]) {
  server = await listen((req, res) => void sendEvents(req, res, source(), config));
  return server;
}

describe('sendEvents', () => {
  it('writes the event-stream headers and the exact wire text, then ends', async () => {
    const { url } = await serve(() => of({ retry: 1000 }, { event: 'tick', id: '1', data: 'a\nb' }, { comment: '' }));
    const { status, headers, text } = await fetchText(url);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('connection')).toBe('keep-alive');
    expect(text).toBe('retry: 1000\n\nevent: tick\nid: 1\ndata: a\ndata: b\n\n: \n\n');
    expect(decode(text).events).toEqual([{ type: 'tick', data: 'a\nb', lastEventId: '1' }]);
  });

  it('sends the headers before the first event', async () => {
    const { url } = await serve(() => NEVER);
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
  });

  it('applies the status and extra headers options', async () => {
    const { url } = await serve(() => of({ data: 'x' }), { status: 201, headers: { 'x-stream': 'yes' } });
    const { status, headers } = await fetchText(url);
    expect(status).toBe(201);
    expect(headers.get('x-stream')).toBe('yes');
  });

  it('answers a source error before the first event with 500 and a JSON body, never the message', async () => {
    const { url } = await serve(() => throwError(() => new Error('database password is hunter2')));
    const { status, text } = await fetchText(url);
    expect(status).toBe(500);
    expect(text).toBe('{"status":500,"message":"Internal error"}');
  });

  it('answers with the HTTP status of an error raised while subscribing', async () => {
    const forbidden = () => Object.assign(new Error('no token'), { status: 403 });
    const { url } = await serve(
      () =>
        defer(() => {
          throw forbidden();
        }),
      { mapError: (error) => ({ message: (error as Error).message }) },
    );
    const { status, headers, text } = await fetchText(url);
    expect(status).toBe(403);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(text).toBe('{"status":403,"message":"no token"}');
  });

  it('sends an error event for a status error that comes after the stream started', async () => {
    const late = concat(
      of({ data: 'a' }).pipe(delay(5)),
      throwError(() => Object.assign(new Error('x'), { status: 404 })),
    );
    const { url } = await serve(() => late);
    const { status, text } = await fetchText(url);
    expect(status).toBe(200);
    expect(text).toBe('data: a\n\nevent: error\ndata: {"status":404,"message":"Not found","retryable":false}\n\n');
  });

  it('skips a message the codec refuses, reports it to onError, and keeps streaming', async () => {
    const seen: unknown[] = [];
    const poison = { event: 'chat\nid: 666', data: 'x' };
    const { url } = await serve(() => of({ data: 'ok' }, poison, { data: 'after' }), {
      onError: (error) => seen.push(error),
    });
    expect((await fetchText(url)).text).toBe('data: ok\n\ndata: after\n\n');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(SseInvalidMessageError);
    expect((seen[0] as SseInvalidMessageError).sseMessage).toBe(poison);
    expect((seen[0] as Error).message).toMatch(/^SSE message skipped: /);
  });

  it('unsubscribes from the source when 200 clients connect and abort', async () => {
    const ticks = counted(interval(5).pipe(map((n) => ({ data: String(n) }))));
    const { url } = await serve(() => ticks.source$);
    const clients = Array.from({ length: 200 }, async () => {
      const controller = new AbortController();
      const response = await fetch(url, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.read().catch(() => undefined);
    });
    await Promise.all(clients);
    expect(ticks.total()).toBe(200);
    await until(() => ticks.active() === 0);
    expect(ticks.active()).toBe(0);
  });

  it('unsubscribes in the same tick as the response closes', async () => {
    const ticks = counted(NEVER);
    let activeAtClose = -1;
    server = await listen((req, res) => {
      sendEvents(req, res, ticks.source$);
      res.on('close', () => (activeAtClose = ticks.active()));
    });
    const controller = new AbortController();
    await fetch(server.url, { signal: controller.signal });
    controller.abort();
    await until(() => activeAtClose !== -1);
    expect(activeAtClose).toBe(0);
  });

  it('returns the subscription, which stops the source', async () => {
    const source = new Subject<SseMessage>();
    server = await listen((req, res) => {
      sendEvents(req, res, source).unsubscribe();
      // The response is the caller's again: nothing was sent on it.
      res.end('stopped');
    });
    expect(await (await fetch(server.url)).text()).toBe('stopped');
    expect(source.observed).toBe(false);
  });

  describe('with a client that never reads', () => {
    const payload = 'x'.repeat(10_000);
    const frames = 2000;

    /** Serves a fast source to one raw socket that never reads; returns what the server saw. */
    async function slowClient(policy: 'close' | 'drop-oldest' | 'drop-newest') {
      const maxBufferBytes = 64 * 1024;
      // 10 frames of 10 kB every millisecond, 20 MB in all: more than the kernel's socket buffers hold.
      const source = counted(
        interval(1).pipe(
          mergeMap(() => range(10)),
          map((_, i) => ({ id: String(i), data: payload })),
          take(frames),
        ),
      );
      let response: ServerResponse | undefined;
      let most = 0;
      server = await listen((req, res) => {
        response = res;
        sendEvents(req, res, source.source$, { backpressure: { maxBufferBytes, policy } });
      });
      const socket = connect(server.port, '127.0.0.1');
      socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
      socket.pause();
      const deadline = Date.now() + 5000;
      await until(() => source.total() === 1);
      while (Date.now() < deadline && !response?.destroyed && source.active() > 0) {
        most = Math.max(most, response?.writableLength ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const closedByServer = response!.destroyed;
      // Now read everything that was kept: chunked encoding puts one frame in each chunk.
      let raw = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => (raw += chunk));
      socket.resume();
      if (!closedByServer) await until(() => raw.endsWith('\r\n0\r\n\r\n'));
      socket.destroy();
      const ids = [...raw.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
      return { source, closedByServer, most, ids, highWaterMark: response!.writableHighWaterMark };
    }

    it("closes the connection and unsubscribes under the default 'close' policy", async () => {
      const { source, closedByServer } = await slowClient('close');
      expect(closedByServer).toBe(true);
      await until(() => source.active() === 0);
    });

    it("keeps the connection and the socket buffer bounded under 'drop-oldest'", async () => {
      const { closedByServer, most, source, ids, highWaterMark } = await slowClient('drop-oldest');
      expect(closedByServer).toBe(false);
      expect(source.active()).toBe(0);
      // Node's own buffer stops at its high-water mark plus one frame; the rest waits in our bounded queue.
      expect(most).toBeLessThan(highWaterMark + payload.length + 100);
      // The first frames were already in the kernel's buffers, the newest ones were kept.
      expect(ids.length).toBeLessThan(frames);
      expect(ids.at(-1)).toBe(frames - 1);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('counts what Node holds for the response toward maxBufferBytes, so the process holds no more than the bound', async () => {
      const maxBufferBytes = 64 * 1024;
      const registry = createStreamRegistry();
      // A new message object per frame: no frame is shared with another client, as in a per-user stream.
      const source = counted(
        interval(1).pipe(
          mergeMap(() => range(10)),
          map((_, i) => ({ id: String(i), data: payload })),
          take(frames),
        ),
      );
      let response: ServerResponse | undefined;
      server = await listen((req, res) => {
        response = res;
        sendEvents(req, res, source.source$, { registry, backpressure: { maxBufferBytes, policy: 'drop-oldest' } });
      });
      const socket = connect(server.port, '127.0.0.1');
      socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
      socket.pause();
      await until(() => source.total() === 1);
      let most = 0;
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && source.active() > 0) {
        most = Math.max(most, registry.metrics().bufferedBytes + (response?.writableLength ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      socket.destroy();
      expect(registry.metrics().droppedMessages).toBeGreaterThan(0);
      // Node's buffer and sse-rx's queue together stay within the bound, and fill it up to about one frame.
      expect(most).toBeLessThanOrEqual(maxBufferBytes);
      expect(most).toBeGreaterThan(maxBufferBytes - 2 * (payload.length + 100));
    });

    it("keeps the connection under 'drop-newest'", async () => {
      const { closedByServer, source, ids } = await slowClient('drop-newest');
      expect(closedByServer).toBe(false);
      expect(source.active()).toBe(0);
      // The oldest frames arrive, the ones emitted while the buffer was full (the last ones too) were dropped.
      expect(ids[0]).toBe(0);
      expect(ids.length).toBeLessThan(frames);
      expect(ids.at(-1)).toBeLessThan(frames - 1);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });
  });
});
