import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStream, startServer, type TestServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';

/** The client bundled from source for the page, exposed as `window.sseRx`. */
async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, '../src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'sseRx',
    conditions: ['source'],
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0]?.text ?? '';
}

describe.skipIf(!existsSync(CHROMIUM))('sse-rx-client in Chromium', () => {
  let server: TestServer;
  let context: BrowserContext;
  let profile: string;

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
    profile = mkdtempSync(join(tmpdir(), 'sse-rx-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('streams typed events over fetch and resumes after a dropped connection', async () => {
    const page = await context.newPage();
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
