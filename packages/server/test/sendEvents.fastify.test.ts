import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import { interval, map, of, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { asMessage, sendEvents } from '../src/index.js';
import { counted, fetchText, until } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('sendEvents with Fastify', () => {
  it('streams through reply.raw after reply.hijack()', async () => {
    app = Fastify();
    app.get('/ticks', (request, reply) => {
      reply.hijack();
      sendEvents(
        request.raw,
        reply.raw,
        interval(1).pipe(
          take(2),
          map((n) => ({ n })),
          asMessage(),
        ),
      );
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const { status, headers, text } = await fetchText(`${address}/ticks`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).toBe('data: {"n":0}\n\ndata: {"n":1}\n\n');
  });

  it('keeps the headers Fastify plugins set (@fastify/cors) when given reply.getHeaders()', async () => {
    app = Fastify();
    await app.register(cors, { origin: 'https://app.example', credentials: true });
    app.get('/ticks', (request, reply) => {
      reply.hijack();
      // reply.getHeaders() is Node's header type (numbers, arrays, undefined): the option takes it as is.
      sendEvents(request.raw, reply.raw, of({ data: 'x' }), { headers: reply.getHeaders() });
    });
    app.get('/json', async () => ({ ok: true }));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const init = { headers: { origin: 'https://app.example' } };
    const json = await fetchText(`${address}/json`, init);
    const { headers, text } = await fetchText(`${address}/ticks`, init);
    expect(json.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(headers.get('access-control-allow-credentials')).toBe('true');
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).toBe('data: x\n\n');
  });

  it('unsubscribes when a Fastify client disconnects', async () => {
    const ticks = counted(interval(5).pipe(map((n) => ({ data: String(n) }))));
    // Close drops keep-alive sockets the fetch client leaves in its pool.
    app = Fastify({ forceCloseConnections: true });
    const fastify = app;
    fastify.get('/', (request, reply) => {
      reply.hijack();
      sendEvents(request.raw, reply.raw, ticks.source$);
    });
    const address = await fastify.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const reader = (await fetch(address, { signal: controller.signal })).body!.getReader();
    await reader.read();
    controller.abort();
    await until(() => ticks.active() === 0);
  });
});
