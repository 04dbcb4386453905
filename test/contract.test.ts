import { defer, firstValueFrom, of, switchMap } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import { sendEvents } from 'sse-rx-server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the error contract between sse-rx-server and sse-rx-client', () => {
  it('an early 503 with retryAfterMs answers Retry-After, and the client waits at least that long', async () => {
    // The first two requests are refused: one read with fetch, then the client's first.
    let requests = 0;
    const requestTimes: number[] = [];
    server = await startServer((req, res) => {
      requestTimes.push(Date.now());
      const refused = requests++ < 2;
      const source$ = defer(async () => {
        if (refused) throw Object.assign(new Error('warming up'), { status: 503, retryAfterMs: 1500 });
      }).pipe(switchMap(() => of({ event: 'ready', data: 'ok' })));
      sendEvents(req, res, source$);
    });
    const early = await fetch(server.url);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('2');
    expect(await early.json()).toEqual({ status: 503, message: 'Service unavailable' });
    requestTimes.length = 0;
    const event = await firstValueFrom(fromSse(server.url, { reconnect: { initialDelayMs: 10, jitter: false } }));
    expect(event.data).toBe('ok');
    expect(requestTimes).toHaveLength(2);
    expect(requestTimes[1]! - requestTimes[0]!).toBeGreaterThanOrEqual(2000);
  });
});
