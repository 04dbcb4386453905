import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { interval, map, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { asMessage, heartbeat, retryHint, sendEvents, withIds } from '../src/index.js';
import { counted, decode, fetchText, until } from './helpers.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function listenExpress(app: express.Express): Promise<string> {
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise((resolve) => listening.once('listening', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

describe('sendEvents with Express', () => {
  it('streams a composed pipeline from an Express route', async () => {
    const app = express();
    app.get('/ticks', (req, res) => {
      const ticks$ = interval(1).pipe(
        take(3),
        map((n) => ({ type: 'tick', n })),
        asMessage({ event: 'type' }),
        withIds(),
        heartbeat(10_000),
        retryHint(2000),
      );
      sendEvents(req, res, ticks$);
    });
    const { headers, text } = await fetchText(`${await listenExpress(app)}/ticks`);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).toBe(
      'retry: 2000\n\n' +
        ': sse-rx heartbeat-ms=10000\n\n' +
        'event: tick\nid: 1\ndata: {"type":"tick","n":0}\n\n' +
        'event: tick\nid: 2\ndata: {"type":"tick","n":1}\n\n' +
        'event: tick\nid: 3\ndata: {"type":"tick","n":2}\n\n',
    );
    expect(decode(text).events.map((event) => event.lastEventId)).toEqual(['1', '2', '3']);
  });

  it('unsubscribes when an Express client disconnects', async () => {
    const ticks = counted(interval(5).pipe(map((n) => ({ data: String(n) }))));
    const app = express();
    app.get('/', (req, res) => void sendEvents(req, res, ticks.source$));
    const url = await listenExpress(app);
    const controller = new AbortController();
    const reader = (await fetch(url, { signal: controller.signal })).body!.getReader();
    await reader.read();
    expect(ticks.active()).toBe(1);
    controller.abort();
    await until(() => ticks.active() === 0);
  });
});
