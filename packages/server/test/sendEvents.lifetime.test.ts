import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { interval, map, NEVER, type Observable, of } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStreamRegistry,
  heartbeat,
  sendEvents,
  type SendEventsConfig,
  type StreamRegistry,
} from '../src/index.js';
import { counted, listen, until } from './helpers.js';

type Handler = (req: Parameters<typeof sendEvents>[0], res: Parameters<typeof sendEvents>[1]) => void;
interface Running {
  port: number;
  close(): Promise<void>;
}

/** The three ways a route reaches sendEvents: node:http, Express 5, Fastify 5 (reply.raw after hijack). */
const frameworks: Record<string, (handler: Handler) => Promise<Running>> = {
  'node:http': async (handler) => {
    const server = await listen((req, res) => (req.url === '/plain' ? res.end('plain') : handler(req, res)));
    return { port: server.port, close: server.close };
  },
  'Express 5': async (handler) => {
    const app = express();
    app.get('/plain', (_req, res) => void res.send('plain'));
    app.get('/events', (req, res) => handler(req, res));
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    };
  },
  'Fastify 5': async (handler) => {
    const app = Fastify({ forceCloseConnections: true });
    app.get('/plain', async () => 'plain');
    app.get('/events', (request, reply) => {
      reply.hijack();
      handler(request.raw, reply.raw);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  },
};

let running: Running | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

/** Opens a raw connection and writes `requests` in one write. */
async function pipeline(port: number, requests: string[]): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(requests.map((path) => `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`).join(''));
  return socket;
}

const sources: Record<string, () => Observable<SseMessage>> = {
  idle: () => NEVER.pipe(heartbeat(60_000)),
  busy: () => interval(1).pipe(map((n) => ({ data: `${n} ${'x'.repeat(1000)}` }))),
};

describe.each(Object.keys(frameworks))('sendEvents on %s: connection lifetime', (name) => {
  describe.each([
    ['idle', 'without a registry'],
    ['busy', 'without a registry'],
    ['idle', 'with a registry'],
    ['busy', 'with a registry'],
  ])('%s source, %s', (kind, registryCase) => {
    it('leaves no subscription and no registry slot after 100 pipelined GET /events and a close', async () => {
      const source = counted(sources[kind]!());
      const registry: StreamRegistry | undefined =
        registryCase === 'with a registry' ? createStreamRegistry({ maxStreams: 100 }) : undefined;
      let handled = 0;
      const config: SendEventsConfig = { registry, headTimeoutMs: 20 };
      running = await frameworks[name]!((req, res) => {
        handled++;
        sendEvents(req, res, source.source$, config);
      });
      const socket = await pipeline(
        running.port,
        Array.from({ length: 100 }, () => '/events'),
      );
      await until(() => handled >= 2);
      socket.destroy();
      await until(() => source.active() === 0, 3000);
      // At most one stream per connection was ever subscribed.
      expect(source.total()).toBeLessThanOrEqual(1);
      if (registry) {
        await until(() => registry.metrics().openStreams === 0, 3000);
        // The slots are free again: 5 legitimate clients get a stream, not 503.
        const statuses = await Promise.all(
          Array.from({ length: 5 }, async () => {
            const controller = new AbortController();
            const response = await fetch(`http://127.0.0.1:${running!.port}/events`, { signal: controller.signal });
            controller.abort();
            return response.status;
          }),
        );
        expect(statuses).toEqual([200, 200, 200, 200, 200]);
        await until(() => registry.metrics().openStreams === 0, 3000);
        await registry.shutdown({ deadlineMs: 5000 });
      }
    });
  });

  it('serves a stream pipelined behind an ordinary request once that one is answered', async () => {
    running = await frameworks[name]!((req, res) => void sendEvents(req, res, of({ data: 'hi' })));
    const socket = await pipeline(running.port, ['/plain', '/events']);
    let raw = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (raw += chunk));
    await until(() => raw.includes('data: hi\n\n'));
    expect(raw).toContain('plain');
  });

  it('serves streams one after another on a keep-alive connection', async () => {
    running = await frameworks[name]!((req, res) => void sendEvents(req, res, of({ data: 'one' }, { data: 'two' })));
    const socket = await pipeline(running.port, ['/events', '/events']);
    let raw = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (raw += chunk));
    await until(() => raw.split('data: two\n\n').length === 3);
  });

  it('answers HEAD with the headers and an end, and never subscribes', async () => {
    const source = counted(NEVER);
    running = await frameworks[name]!((req, res) => void sendEvents(req, res, source.source$));
    const response = await fetch(`http://127.0.0.1:${running.port}/events`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe('');
    expect(source.total()).toBe(0);
  });
});

describe('sendEvents: OPTIONS', () => {
  it('answers 204 with the extra headers and never subscribes', async () => {
    const source = counted(NEVER);
    running = await frameworks['node:http']!(
      (req, res) => void sendEvents(req, res, source.source$, { headers: { 'access-control-allow-origin': '*' } }),
    );
    const response = await fetch(`http://127.0.0.1:${running.port}/events`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(source.total()).toBe(0);
  });
});
