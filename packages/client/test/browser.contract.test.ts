import { bundleClient } from '../../../examples/demo/src/bundle.js';
import { type Browser, hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStream, startServer, type TestServer } from './server.js';

type Client = typeof import('../src/index.js');

/** What the page saw: the data of each event, and the error the subscription ended with. */
interface Outcome {
  events: string[];
  error?: { name: string; status?: number; retryable?: boolean; message: string };
}

// Issue 11: the wire contract (README, "The wire contract with sse-rx-server") from a real Chromium
// page running the bundled sse-rx-client, against a node:http server sending the contract's bytes.
describe.skipIf(!hasChromium)('sse-rx-client in Chromium: the wire contract', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const script = await bundleClient();
    server = await startServer((req, res) => {
      const url = req.url ?? '';
      const resumed = req.headers['last-event-id'] !== undefined;
      if (url === '/client.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
      } else if (url === '/401') {
        res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"status":401,"code":"unauthenticated","message":"Log in first"}');
      } else if (url === '/retryable') {
        openStream(res);
        if (resumed) res.write('id: 2\ndata: b\n\n');
        else res.end('id: order-€-1\ndata: a\n\nevent: error\ndata: {"message":"Internal error","retryable":true}\n\n');
      } else if (url === '/fatal') {
        openStream(res);
        res.end('data: a\n\nevent: error\ndata: {"status":403,"message":"Not your room","retryable":false}\n\n');
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>contract</title><script src="/client.js"></script>');
      }
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Subscribes in a fresh page until `count` events or an error, 10 s at most. */
  async function inPage(path: string, count: number): Promise<Outcome> {
    const page = await browser.context.newPage();
    try {
      await page.goto(server.url);
      return await page.evaluate(
        ({ path, count }) =>
          new Promise<Outcome>((resolve) => {
            const { fromSse } = (window as unknown as { sseRx: Client }).sseRx;
            const events: string[] = [];
            const timer = setTimeout(() => done({ events }), 10_000);
            const done = (outcome: Outcome) => {
              clearTimeout(timer);
              subscription.unsubscribe();
              resolve(outcome);
            };
            const subscription = fromSse(path, { reconnect: { initialDelayMs: 10 } }).subscribe({
              next: (e) => {
                events.push(e.data);
                if (events.length === count) done({ events });
              },
              error: (e: { name: string; status?: number; retryable?: boolean; message: string }) =>
                done({ events, error: { name: e.name, status: e.status, retryable: e.retryable, message: e.message } }),
            });
          }),
        { path, count },
      );
    } finally {
      await page.close();
    }
  }

  const requestsTo = (path: string) => server.requests.filter((r) => r.url === path);

  it('ends with SseHttpError 401 after one request on a 401 before the stream', async () => {
    const outcome = await inPage('/401', 1);
    expect(outcome.error).toMatchObject({ name: 'SseHttpError', status: 401 });
    expect(requestsTo('/401')).toHaveLength(1);
  });

  it('retries a retryable event: error mid-stream and resumes with the UTF-8 Last-Event-ID', async () => {
    const outcome = await inPage('/retryable', 2);
    expect(outcome).toEqual({ events: ['a', 'b'] });
    const sent = requestsTo('/retryable').map((r) => r.headers['last-event-id']);
    expect(sent).toHaveLength(2);
    expect(Buffer.from(String(sent[1]), 'latin1').toString('utf8')).toBe('order-€-1');
  });

  it('ends with SseServerError on a non-retryable event: error mid-stream, after one request', async () => {
    const outcome = await inPage('/fatal', 99);
    expect(outcome).toEqual({
      events: ['a'],
      error: { name: 'SseServerError', status: 403, retryable: false, message: 'Not your room' },
    });
    expect(requestsTo('/fatal')).toHaveLength(1);
  });
});
