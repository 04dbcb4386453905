import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient } from '../../../examples/demo/src/bundle.js';
import { type Browser, hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { startServer, type TestServer, waitFor } from '../../../test/support/http.js';

type Client = typeof import('../src/index.js');
type Page = Awaited<ReturnType<Browser['context']['newPage']>>;
/** What a page recorded: the tick ids it received, its `state$` statuses, how many `activity$` values, the error it got. */
interface Seen {
  received: number[];
  states: string[];
  activity: number;
  error: { name: string; message: string; status?: number } | undefined;
  completed: boolean;
}
/** One stream request as the server saw it. */
interface StreamRequest {
  path: string;
  lastEventId: string | undefined;
  open: boolean;
}

/** A tick every this many ms on each stream connection. */
const TICK_MS = 50;

// Up to 16 pages each: a loaded 2-core machine needs far more than the default 20 s.
describe.skipIf(!hasChromium)('connectSse shareAcrossTabs in Chromium', { timeout: 60_000 }, () => {
  let pages: TestServer;
  let streams: TestServer;
  let browser: Browser;
  const requests: StreamRequest[] = [];
  const failing = new Set<string>();
  const cutting = new Set<string>();
  const ended = new Set<string>();

  /**
   * The streams, on their own origin (so the page loads never queue behind them, as with an API
   * host): ticks with ids from Last-Event-ID + 1 on, as a server with replay sends them (from
   * Last-Event-ID - 3 with `&overlap`); a path put in `failing` ends with the contract's
   * non-retryable error at its next tick, one put in `cutting` has its connection destroyed, one put
   * in `ended` ends its stream at the next tick and answers 204 (no more events: complete) after.
   */
  function stream(req: IncomingMessage, res: ServerResponse) {
    const cors = {
      'access-control-allow-origin': pages.url,
      'access-control-allow-headers': 'last-event-id',
    };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    const seen: StreamRequest = {
      path: req.url ?? '',
      lastEventId: req.headers['last-event-id'] as string | undefined,
      open: true,
    };
    requests.push(seen);
    if (ended.has(seen.path)) return res.writeHead(204, cors).end();
    res.writeHead(200, { ...cors, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 50\n\n');
    // `&overlap`: a server that replays from 3 events before Last-Event-ID (at least once).
    let id = Math.max(0, Number(seen.lastEventId ?? 0) - (seen.path.includes('overlap') ? 3 : 0));
    const first = id;
    const timer = setInterval(() => {
      id++;
      if (cutting.delete(seen.path)) return res.destroy();
      if (ended.has(seen.path)) {
        res.end();
        return clearInterval(timer);
      }
      if (failing.has(seen.path)) {
        res.end('event: error\ndata: {"status":403,"code":"gone","message":"Room closed","retryable":false}\n\n');
        return clearInterval(timer);
      }
      res.write(`id: ${id}\nevent: tick\ndata: ${id}\n\n`);
      if (id >= first + 2000) res.end(); // bounded: 100 s of ticks per connection
    }, TICK_MS);
    res.on('close', () => {
      seen.open = false;
      clearInterval(timer);
    });
  }

  beforeAll(async () => {
    const script = await bundleClient();
    pages = await startServer((req, res) => {
      if (req.url === '/client.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/client.js"></script>');
    });
    streams = await startServer(stream);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await streams?.close();
    await pages?.close();
  });

  let runs = 0;
  /** A path of its own for each test run (a retried test starts with no requests and nothing failing or cut). */
  const fresh = (name: string) => `/events?${name}&run=${++runs}`;
  const requestsFor = (path: string) => requests.filter((r) => r.path === path);
  const openFor = (path: string) => requestsFor(path).filter((r) => r.open).length;

  /** Opens a tab that subscribes to `path` with `connectSse`; `share` is its `shareAcrossTabs`. */
  async function openTab(path: string, share: boolean | string, initScript?: () => void): Promise<Page> {
    const page = await browser.context.newPage();
    if (initScript) await page.addInitScript(initScript);
    await page.goto(pages.url);
    await page.evaluate(
      ({ url, share }) => {
        const w = window as unknown as { sseRx: Client; seen: Seen; stop: () => void };
        const { connectSse } = w.sseRx;
        const { events$, state$, activity$ } = connectSse<{ tick: string }>(url, { shareAcrossTabs: share });
        const seen: Seen = { received: [], states: [], activity: 0, error: undefined, completed: false };
        w.seen = seen;
        state$.subscribe((s) => seen.states.push(s.status));
        activity$.subscribe(() => seen.activity++);
        const subscription = events$.subscribe({
          next: (e) => seen.received.push(Number(e.data)),
          error: (e: Error & { status?: number }) => {
            seen.error = { name: e.name, message: e.message, status: e.status };
          },
          complete: () => {
            seen.completed = true;
          },
        });
        w.stop = () => subscription.unsubscribe();
      },
      { url: `${streams.url}${path}`, share },
    );
    return page;
  }

  const seenIn = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
  const stop = (page: Page) => page.evaluate(() => (window as unknown as { stop: () => void }).stop());
  const lastOf = async (page: Page) => (await seenIn(page)).received.at(-1) ?? 0;
  /** Waits until `page` received ids up to at least `id`. */
  const until = (page: Page, id: number, what: string) =>
    waitFor(async () => (await lastOf(page)) >= id, 15_000, `${what}: id ${id}`);
  /** Opens `count` tabs sharing `path`, and waits until each received an event. */
  async function openGroup(path: string, count: number): Promise<Page[]> {
    const tabs: Page[] = [];
    for (let i = 0; i < count; i++) tabs.push(await openTab(path, true));
    for (const tab of tabs) await waitFor(async () => (await lastOf(tab)) > 0, 15_000, 'an event in each tab');
    return tabs;
  }
  /** Every id from the first one received to the last, once each, in order. */
  const expectExactlyOnce = (received: number[]) => {
    expect(received.length).toBeGreaterThan(0);
    expect(received).toEqual(received.map((_, i) => received[0]! + i));
  };

  it('3 tabs of one browser hold exactly 1 connection to the server, and all get every event', async () => {
    const path = fresh('three');
    const tabs = [await openTab(path, true)];
    try {
      await until(tabs[0]!, 3, 'the first tab');
      tabs.push(await openTab(path, true), await openTab(path, true));
      const target = (await lastOf(tabs[0]!)) + 20;
      for (const tab of tabs) await until(tab, target, 'every tab');
      expect(requestsFor(path)).toHaveLength(1);
      expect(openFor(path)).toBe(1);
      for (const tab of tabs) {
        const { received, states, activity } = await seenIn(tab);
        expectExactlyOnce(received);
        expect(states, JSON.stringify(states)).toEqual(['closed', 'connecting', 'open']);
        expect(activity).toBeGreaterThanOrEqual(20); // a chunk per tick
      }
      // The followers joined live: they start where the group was, not at the beginning.
      expect((await seenIn(tabs[1]!)).received[0]).toBeGreaterThan(1);
    } finally {
      for (const tab of tabs) await tab.close();
    }
  });

  it.each([
    ['', 'handover'],
    [' (the server replays 3 events they had: dropped by id)', 'handover&overlap'],
  ])('closing the leader tab mid-stream hands over: the others get every event exactly once%s', async (_, name) => {
    const path = fresh(name);
    const [leader, ...others] = [await openTab(path, true), await openTab(path, true), await openTab(path, true)];
    try {
      // Each follower has been in the group for more events than the server's overlap.
      for (const tab of others)
        await waitFor(async () => (await seenIn(tab)).received.length >= 5, 15_000, '5 events in each follower');
      await leader!.close(); // mid-stream: a tick every 20 ms
      await waitFor(() => requestsFor(path).length === 2 && openFor(path) === 1, 15_000, 'the new leader');
      const resumedFrom = Number(requestsFor(path)[1]!.lastEventId);
      for (const tab of others) await until(tab, resumedFrom + 20, 'events after the hand-over');
      for (const tab of others) await stop(tab);
      for (const tab of others) {
        const { received, states } = await seenIn(tab);
        expectExactlyOnce(received);
        expect(received[0]).toBeLessThan(resumedFrom);
        expect(received.at(-1)).toBeGreaterThanOrEqual(resumedFrom + 20);
        expect(states.at(-1)).toBe('closed');
      }
      expect(requestsFor(path)[0]!.lastEventId).toBeUndefined();
      // Mid-stream: each follower had 5 events (ids from 1) before the leader closed.
      expect(resumedFrom).toBeGreaterThanOrEqual(5);
      await waitFor(() => openFor(path) === 0, 5000, 'the last tab to close the connection');
    } finally {
      for (const tab of others) await tab.close();
    }
  });

  it('8 tabs on HTTP/1.1 all receive with shareAcrossTabs; without it the seventh hangs in connecting', {
    timeout: 120_000,
  }, async () => {
    const tabs: Page[] = [];
    const [apart, together] = [fresh('apart'), fresh('together')];
    try {
      // Without the option: Chromium opens at most 6 connections to one host over HTTP/1.1.
      for (let i = 0; i < 8; i++) tabs.push(await openTab(apart, false));
      await waitFor(() => openFor(apart) === 6, 15_000, '6 connections');
      const firstSix = tabs.slice(0, 6);
      const target = Math.max(...(await Promise.all(firstSix.map(lastOf)))) + 25;
      for (const tab of firstSix) await until(tab, target, 'the 6 connected tabs');
      // 25 ticks later the seventh and eighth still wait, and the server never saw their requests.
      for (const tab of tabs.slice(6)) {
        const { received, states } = await seenIn(tab);
        expect(received).toEqual([]);
        expect(states).toEqual(['closed', 'connecting']);
      }
      expect(requestsFor(apart)).toHaveLength(6);
      // Closing one tab frees a connection: the queued request goes out (so it was the limit).
      await tabs.shift()!.close();
      await waitFor(() => requestsFor(apart).length === 7, 15_000, 'the queued request');
      for (const tab of tabs.splice(0)) await tab.close();

      for (let i = 0; i < 8; i++) tabs.push(await openTab(together, true));
      const start = Math.max(...(await Promise.all(tabs.map(lastOf))));
      for (const tab of tabs) await until(tab, start + 10, 'all 8 tabs');
      for (const tab of tabs) expectExactlyOnce((await seenIn(tab)).received);
      expect(requestsFor(together)).toHaveLength(1);
    } finally {
      for (const tab of tabs) await tab.close();
    }
  });

  it('a tab that unsubscribes leaves the others untouched: a follower costs nothing, the leader hands over', async () => {
    const path = fresh('leave');
    const [leader, follower, other] = [await openTab(path, true), await openTab(path, true), await openTab(path, true)];
    try {
      await until(other!, 10, 'the last tab');
      await stop(follower!);
      const followerStopped = await seenIn(follower!);
      await until(other!, (await lastOf(other!)) + 20, 'events after a follower left');
      expect(requestsFor(path)).toHaveLength(1);
      expect(followerStopped.states.at(-1)).toBe('closed');

      await stop(leader!);
      const leaderStopped = await seenIn(leader!);
      await waitFor(() => requestsFor(path).length === 2, 15_000, 'the hand-over');
      await until(other!, leaderStopped.received.at(-1)! + 20, 'events after the leader left');
      await stop(other!);
      expectExactlyOnce((await seenIn(other!)).received);
      // The tabs that left got nothing more.
      expect(await seenIn(follower!)).toEqual(followerStopped);
      expect(await seenIn(leader!)).toEqual(leaderStopped);
      expect(leaderStopped.states).toEqual(['closed', 'connecting', 'open', 'closed']);
      await waitFor(() => openFor(path) === 0, 5000, 'the connection closed with the last tab');
    } finally {
      for (const tab of [leader, follower, other]) await tab?.close();
    }
  });

  it("relays the leader's states: every tab sees reconnecting when its connection breaks, then open, and no event twice", async () => {
    const path = fresh('cut');
    const tabs = await openGroup(path, 2);
    try {
      cutting.add(path);
      await waitFor(() => requestsFor(path).length === 2, 15_000, 'the leader to reconnect');
      const resumedFrom = Number(requestsFor(path)[1]!.lastEventId);
      for (const tab of tabs) await until(tab, resumedFrom + 5, 'events after the reconnect');
      for (const tab of tabs) {
        const { received, states } = await seenIn(tab);
        expectExactlyOnce(received);
        expect(states).toEqual(['closed', 'connecting', 'open', 'reconnecting', 'connecting', 'open']);
      }
    } finally {
      for (const tab of tabs) await tab.close();
    }
  });

  it("relays the leader's error to every tab: the same name and fields", async () => {
    const path = fresh('fail');
    const tabs = await openGroup(path, 2);
    try {
      failing.add(path);
      for (const tab of tabs) await waitFor(async () => (await seenIn(tab)).error !== undefined, 15_000, 'the error');
      for (const tab of tabs)
        expect((await seenIn(tab)).error).toEqual({ name: 'SseServerError', message: 'Room closed', status: 403 });
      expect(requestsFor(path)).toHaveLength(1);
      // The failed leader let go of the lock: a tab that subscribes now leads a new request.
      failing.delete(path);
      tabs.push(await openTab(path, true));
      await until(tabs[2]!, 1, 'a new request');
      expect(requestsFor(path)).toHaveLength(2);
    } finally {
      for (const tab of tabs) await tab.close();
    }
  });

  it.each([
    ['an error', 1],
    ['a completion (the stream ended, the reconnect answered 204)', 2],
  ])(
    "a follower slow to hear the group's end (%s) does not lead a request of its own when the lock passes to it",
    async (end, leaderRequests) => {
      const path = fresh('slow-end');
      const leader = await openTab(path, true);
      // A loaded tab: each channel message reaches its listener 300 ms late (in order), as the lock passes at once.
      const follower = await openTab(path, true, () => {
        const Native = BroadcastChannel;
        const late = (listener: ((e: MessageEvent) => void) | null) =>
          listener && ((e: MessageEvent) => setTimeout(() => listener(e), 300));
        window.BroadcastChannel = class extends Native {
          override set onmessage(listener: ((e: MessageEvent) => void) | null) {
            super.onmessage = late(listener);
          }
        };
      });
      const tabs = [leader, follower];
      const isEnded = ({ error, completed }: Seen) => (end === 'an error' ? error !== undefined : completed);
      try {
        for (const tab of tabs) await until(tab, 1, 'an event in each tab');
        (end === 'an error' ? failing : ended).add(path);
        for (const tab of tabs) await waitFor(async () => isEnded(await seenIn(tab)), 15_000, 'the end');
        if (end === 'an error')
          expect((await seenIn(follower)).error).toEqual({
            name: 'SseServerError',
            message: 'Room closed',
            status: 403,
          });
        else expect((await seenIn(follower)).error).toBeUndefined();
        // Had the follower taken the lock for a new leader, its request would be here by now: it leads at once.
        tabs.push(await openTab(fresh('after-slow-end'), true));
        await until(tabs[2]!, 3, 'a later stream');
        expect(requestsFor(path)).toHaveLength(leaderRequests);
      } finally {
        for (const tab of tabs) await tab.close();
      }
    },
  );

  it('falls back to one connection per tab where BroadcastChannel is missing', async () => {
    const path = fresh('fallback');
    const tabs: Page[] = [];
    try {
      for (let i = 0; i < 3; i++)
        tabs.push(await openTab(path, true, () => Reflect.deleteProperty(window, 'BroadcastChannel')));
      for (const tab of tabs) await until(tab, 5, 'every tab');
      expect(requestsFor(path)).toHaveLength(3);
    } finally {
      for (const tab of tabs) await tab.close();
    }
  });
});
