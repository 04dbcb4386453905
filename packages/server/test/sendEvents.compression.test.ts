import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import compression from 'compression';
import express from 'express';
import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { sendEvents, type SendEventsConfig } from '../src/index.js';
import { decode, until } from './helpers.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** An Express 4 app behind the `compression` middleware that streams `source` at `/`. */
async function listenCompressed(
  source: Subject<SseMessage>,
  config: SendEventsConfig = {},
  removeFlush = false,
): Promise<number> {
  const app = express();
  app.use(compression());
  app.get('/', (req, res) => {
    if (removeFlush) (res as { flush?: unknown }).flush = undefined;
    sendEvents(req, res, source, config);
  });
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise((resolve) => listening.once('listening', resolve));
  return (listening.address() as AddressInfo).port;
}

/** Opens the stream asking for gzip; `text()` is what has arrived so far, decompressed. */
async function open(port: number) {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    get({ host: '127.0.0.1', port, path: '/', headers: { 'accept-encoding': 'gzip' } }, resolve).on('error', reject),
  );
  let text = '';
  const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
  body.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  body.on('error', () => undefined);
  return { response, text: () => text, close: () => response.destroy() };
}

describe('sendEvents behind Express compression', () => {
  it('is left uncompressed by the default no-transform header and each event arrives at once', async () => {
    const source = new Subject<SseMessage>();
    const client = await open(await listenCompressed(source));
    expect(client.response.headers['cache-control']).toBe('no-cache, no-transform');
    expect(client.response.headers['content-encoding']).toBeUndefined();
    for (let n = 1; n <= 3; n++) {
      source.next({ id: String(n), data: `event ${n}` });
      await until(() => decode(client.text()).events.length === n, 1000);
    }
    expect(client.response.complete).toBe(false);
    client.close();
  });

  it('flushes every compressed event so it arrives before the next one is sent', async () => {
    const source = new Subject<SseMessage>();
    const client = await open(await listenCompressed(source, { headers: { 'cache-control': 'no-cache' } }));
    expect(client.response.headers['content-encoding']).toBe('gzip');
    for (let n = 1; n <= 5; n++) {
      source.next({ id: String(n), data: `event ${n}` });
      // The stream stays open: only a flush can have pushed this event out of zlib.
      await until(() => decode(client.text()).events.length === n, 1000);
    }
    expect(decode(client.text()).events.map((event) => event.data)).toEqual([
      'event 1',
      'event 2',
      'event 3',
      'event 4',
      'event 5',
    ]);
    expect(client.response.complete).toBe(false);
    client.close();
    await until(() => !source.observed);
  });

  it('would hold the event back without res.flush (the control case)', async () => {
    const source = new Subject<SseMessage>();
    const client = await open(await listenCompressed(source, { headers: { 'cache-control': 'no-cache' } }, true));
    expect(client.response.headers['content-encoding']).toBe('gzip');
    source.next({ data: 'stuck in zlib' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(decode(client.text()).events).toHaveLength(0);
    client.close();
  });
});
