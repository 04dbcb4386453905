import { bundleClient } from '../../../examples/demo/src/bundle.js';
import { type Browser, hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { waitFor } from '../../../test/support/http.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStream, startServer, type TestServer } from './server.js';

type Client = typeof import('../src/index.js');
type Page = Awaited<ReturnType<Browser['context']['newPage']>>;
/** What a page test subscribes with: the option each browser feature needs, built in the page. */
type Scenario = 'retryNow: backOnline()' | 'pauseWhen: networkOffline()' | 'pauseWhen: pageHidden()';

describe.skipIf(!hasChromium)('sse-rx-client in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  // The first connections of ?cut streams, until GET /cut breaks them (once the page has its two events:
  // a cut on a timer could drop bytes Chromium had not read yet, and the client resumed from nothing).
  const cuttable = new Set<{ destroy(): unknown }>();

  beforeAll(async () => {
    const script = await bundleClient();
    server = await startServer((req, res, index) => {
      if (req.url === '/cut') {
        for (const stream of cuttable) stream.destroy();
        cuttable.clear();
        res.writeHead(204).end();
      } else if (req.url === '/client.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
      } else if (req.url?.startsWith('/events')) {
        openStream(res);
        // Two events from Last-Event-ID on; with ?cut, the first connection then breaks at GET /cut.
        const from = Number(req.headers['last-event-id'] ?? 0);
        res.write(`retry: 20\n\n`);
        for (let id = from + 1; id <= from + 2; id++) res.write(`id: ${id}\nevent: tick\ndata: {"n":${id}}\n\n`);
        if (from === 0 && req.url.includes('cut')) cuttable.add(res);
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

  /** The requests for `path`, in order. */
  const streams = (path: string) => server.requests.filter((r) => r.url === path);

  /** Opens a page that subscribes to `path` through `connectSse` with the scenario's option; events go to `received`, `state$` to `states`. */
  async function subscribeInPage(path: string, scenario: Scenario, initScript?: () => void): Promise<Page> {
    const page = await browser.context.newPage();
    if (initScript) await page.addInitScript(initScript);
    await page.goto(server.url);
    await page.evaluate(
      ({ path, scenario }) => {
        const w = window as unknown as { sseRx: Client; received: number[]; states: string[]; stop: () => void };
        const { backOnline, connectSse, networkOffline, ofType, pageHidden, parseJson } = w.sseRx;
        const options = {
          'retryNow: backOnline()': { reconnect: { initialDelayMs: 60_000, jitter: false, retryNow: backOnline() } },
          'pauseWhen: networkOffline()': { pauseWhen: networkOffline() },
          'pauseWhen: pageHidden()': { pauseWhen: pageHidden() },
        }[scenario];
        const { events$, state$ } = connectSse<{ tick: { n: number } }>(path, options);
        w.received = [];
        w.states = [];
        state$.subscribe((s) => w.states.push(s.status));
        const subscription = events$.pipe(ofType('tick'), parseJson()).subscribe((e) => w.received.push(e.data.n));
        w.stop = () => subscription.unsubscribe();
      },
      { path, scenario },
    );
    return page;
  }

  const inPage = (page: Page) =>
    page.evaluate(() => {
      const { received, states } = window as unknown as { received: number[]; states: string[] };
      return { received, states };
    });
  const until = async (page: Page, check: (p: { received: number[]; states: string[] }) => boolean, what: string) =>
    // Far below the 60 s backoff the online test rules out; room for a loaded 2-core machine.
    waitFor(async () => check(await inPage(page)), 15_000, what);

  it('streams typed events over fetch and resumes after a dropped connection', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const result = await page.evaluate(async () => {
      const { fromSse, ofType, parseJson } = (window as unknown as { sseRx: Client }).sseRx;
      const events: { n: number; id: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        const subscription = fromSse<{ tick: { n: number } }>('/events?cut', { reconnect: { initialDelayMs: 10 } })
          .pipe(ofType('tick'), parseJson())
          .subscribe({
            next: (e) => {
              events.push({ n: e.data.n, id: e.lastEventId });
              if (events.length === 2) void fetch('/cut');
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
    expect(streams('/events?cut').map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
    await page.close();
  });

  it('reconnects at once when the browser is back online (real online event via context.setOffline), not after the 60 s backoff', async () => {
    const page = await subscribeInPage('/events?cut&online', 'retryNow: backOnline()');
    try {
      await until(page, ({ received }) => received.length === 2, 'events 1 and 2');
      await fetch(new URL('/cut', server.url));
      await until(page, ({ states }) => states.at(-1) === 'reconnecting', 'the 60 s retry delay');
      await browser.context.setOffline(true);
      await browser.context.setOffline(false);
      await until(page, ({ received }) => received.length === 4, 'events 3 and 4 within 15 s');
      await page.evaluate(() => (window as unknown as { stop: () => void }).stop());
      expect((await inPage(page)).received).toEqual([1, 2, 3, 4]);
      expect(streams('/events?cut&online').map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
    } finally {
      await browser.context.setOffline(false);
      await page.close();
    }
  }, 40_000);

  /**
   * After events 1 and 2, `pause()` must abort the request (the server sees its socket close) and
   * report `paused`; `resume()` must send a new request with Last-Event-ID 2 and get 3 and 4, once each.
   */
  async function expectPauseAndResume(
    page: Page,
    path: string,
    pause: () => Promise<unknown>,
    resume: () => Promise<unknown>,
  ) {
    await until(page, ({ received }) => received.length === 2, 'events 1 and 2');
    await pause();
    await until(page, ({ states }) => states.at(-1) === 'paused', 'paused');
    await streams(path)[0]?.closed;
    await resume();
    await until(page, ({ received }) => received.length === 4, 'events 3 and 4');
    await page.evaluate(() => (window as unknown as { stop: () => void }).stop());
    const { received, states } = await inPage(page);
    expect(received).toEqual([1, 2, 3, 4]);
    expect(states).toEqual(['closed', 'connecting', 'open', 'paused', 'connecting', 'open', 'closed']);
    expect(streams(path).map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
  }

  it('pauses while offline and resumes with Last-Event-ID when online (real events via context.setOffline)', async () => {
    const page = await subscribeInPage('/events?offline', 'pauseWhen: networkOffline()');
    try {
      await expectPauseAndResume(
        page,
        '/events?offline',
        () => browser.context.setOffline(true),
        () => browser.context.setOffline(false),
      );
    } finally {
      await browser.context.setOffline(false);
      await page.close();
    }
  });

  it('pauses while hidden and resumes with Last-Event-ID when shown (document.visibilityState overridden in the page, visibilitychange dispatched)', async () => {
    // Headless Chromium keeps every page visible (a tab brought to front or a minimised window leaves
    // visibilityState at 'visible'), so the page's own visibility is overridden.
    const page = await subscribeInPage('/events?hidden', 'pauseWhen: pageHidden()', () => {
      let state = 'visible';
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      (window as unknown as { setVisibility: (s: string) => void }).setVisibility = (s) => {
        state = s;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
    const setVisibility = (state: string) =>
      page.evaluate(
        (s: string) => (window as unknown as { setVisibility: (s: string) => void }).setVisibility(s),
        state,
      );
    try {
      await expectPauseAndResume(
        page,
        '/events?hidden',
        () => setVisibility('hidden'),
        () => setVisibility('visible'),
      );
    } finally {
      await page.close();
    }
  });
});
