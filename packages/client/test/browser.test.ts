import { bundleClient } from '../../../examples/demo/src/bundle.js';
import { type Browser, hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStream, startServer, type TestServer } from './server.js';

describe.skipIf(!hasChromium)('sse-rx-client in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const script = await bundleClient();
    server = await startServer((req, res, index) => {
      if (req.url === '/client.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
      } else if (req.url === '/events') {
        openStream(res);
        // The first connection breaks after two events; the reconnect resumes from Last-Event-ID.
        const from = Number(req.headers['last-event-id'] ?? 0);
        res.write(`retry: 20\n\n`);
        for (let id = from + 1; id <= from + 2; id++) res.write(`id: ${id}\nevent: tick\ndata: {"n":${id}}\n\n`);
        if (from === 0) setTimeout(() => res.destroy(), 20);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><title>t${index}</title><script src="/client.js"></script>`);
      }
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('streams typed events over fetch and resumes after a dropped connection', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const result = await page.evaluate(async () => {
      const { fromSse, ofType, parseJson } = (window as unknown as { sseRx: typeof import('../src/index.js') }).sseRx;
      const events: { n: number; id: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        const subscription = fromSse<{ tick: { n: number } }>('/events', {}, { reconnect: { initialDelayMs: 10 } })
          .pipe(ofType('tick'), parseJson())
          .subscribe({
            next: (e) => {
              events.push({ n: e.data.n, id: e.lastEventId });
              if (events.length === 4) {
                subscription.unsubscribe();
                resolve();
              }
            },
            error: reject,
          });
      });
      return events;
    });
    expect(result).toEqual([
      { n: 1, id: '1' },
      { n: 2, id: '2' },
      { n: 3, id: '3' },
      { n: 4, id: '4' },
    ]);
    const streams = server.requests.filter((r) => r.headers.accept === 'text/event-stream');
    expect(streams.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
    await page.close();
  });
});
