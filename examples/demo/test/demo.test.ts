import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { waitFor } from '../../../test/support/http.js';
import { type SupervisedDemo, startDemo } from '../src/supervisor.js';
import { printTicks } from '../src/terminal.js';
import type { Tick } from '../src/ticker.js';

/** `DEMO_SCREENSHOT=1` refreshes the README's screenshot; otherwise it goes to the temp directory. */
const SCREENSHOT = process.env.DEMO_SCREENSHOT
  ? new URL('../screenshot.png', import.meta.url).pathname
  : join(tmpdir(), 'sse-rx-demo-screenshot.png');

const ticks = (url: string, count: number, lastEventId?: string) =>
  firstValueFrom(
    fromSse<{ tick: Tick }>(`${url}/events`, { lastEventId }).pipe(ofType('tick'), parseJson(), take(count), toArray()),
  );

describe('the demo', () => {
  let demo: SupervisedDemo;
  beforeAll(async () => {
    demo = await startDemo({ tickMs: 100, log: () => {} });
  }, 60_000);
  afterAll(async () => demo?.close());

  it('streams numbered ticks whose ids end in their numbers', async () => {
    const received = await ticks(demo.url, 3);
    const numbers = received.map((t) => t.data.n);
    expect(numbers).toEqual([numbers[0], numbers[0]! + 1, numbers[0]! + 2]);
    expect(received.map((t) => t.lastEventId.split('-')[1])).toEqual(numbers.map(String));
    expect(received.every((t) => t.type === 'tick' && typeof t.data.price === 'number')).toBe(true);
  });

  it('prints the stream in the terminal client', async () => {
    const lines: string[] = [];
    const subscription = printTicks(demo.url, (line) => lines.push(line));
    try {
      await waitFor(() => lines.filter((l) => l.includes('tick #')).length >= 2, 5_000, 'two printed ticks');
      expect(lines[0]).toBe('[terminal client] connecting');
      expect(lines).toContain('[terminal client] open');
    } finally {
      subscription.unsubscribe();
    }
  });

  it('answers a request target that does not parse (GET //[) with 400 and keeps serving', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request(`${demo.url}/`, { path: '//[' }, (res) => (res.resume(), resolve(res.statusCode)))
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(400);
    expect((await ticks(demo.url, 1)).length).toBe(1);
  });

  it.skipIf(!hasChromium)(
    '/tabs: three tabs share one stream connection; when the leader closes, the others lose and repeat nothing',
    async () => {
      const browser = await launchBrowser();
      const streams = async () => ((await (await fetch(`${demo.url}/streams`)).json()) as { tabs: number }).tabs;
      const tabs: Page[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const tab = await browser.context.newPage();
          await tab.goto(`${demo.url}/tabs`);
          tabs.push(tab);
        }
        const pages = tabs.map(drive);
        for (const page of pages) await page.waitCounter('tab', 'received', (n) => n >= 10, 'ticks in each tab');
        const roles = () => Promise.all(tabs.map((tab) => tab.locator('#share .badge').getAttribute('data-role')));
        await waitFor(async () => (await roles()).sort().join() === 'follower,follower,leader', 5_000, 'one leader');
        expect(await streams()).toBe(1);
        await waitFor(
          async () => (await tabs[0]!.locator('[data-streams="tabs"]').textContent()) === '1',
          5_000,
          'the count on the page',
        );
        for (const page of pages) await page.expectClean('tab');

        // The leader's tab closes: another tab takes the lock and resumes with Last-Event-ID.
        const leader = (await roles()).indexOf('leader');
        await tabs.splice(leader, 1)[0]!.close();
        const rest = tabs.map(drive);
        const received = await Promise.all(rest.map((page) => page.counter('tab', 'received')));
        await waitFor(async () => (await roles()).sort().join() === 'follower,leader', 10_000, 'a new leader');
        for (const [i, page] of rest.entries())
          await page.waitCounter('tab', 'received', (n) => n >= received[i]! + 10, 'ticks after the hand-over');
        await waitFor(async () => (await streams()) === 1, 5_000, 'the old leader’s connection gone');
        for (const page of rest) {
          // Each saw the hand-over as one new connection, made by the new leader.
          expect(await page.counter('tab', 'reconnects')).toBe(1);
          await page.expectClean('tab');
        }
      } catch (error) {
        await tabs[0]?.screenshot({ path: join(tmpdir(), 'sse-rx-demo-tabs-failed.png'), fullPage: true });
        throw error;
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it.skipIf(!hasChromium)(
    'the page: every button hurts the stream; sse-rx-client loses and repeats nothing, EventSource gives up on the 503',
    async () => {
      const browser = await launchBrowser();
      const tab = await browser.context.newPage();
      try {
        await tab.setViewportSize({ width: 1360, height: 900 });
        await tab.goto(`${demo.url}/`);
        const page = drive(tab);
        await page.waitCounter('rx', 'received', (n) => n >= 10, 'ticks in the sse-rx panel');
        await page.waitCounter('native', 'received', (n) => n >= 10, 'ticks in the native panel');
        expect(await page.badge('rx')).toBe('open');
        expect(await page.badge('native')).toBe('open');

        // Cut: both reconnect with Last-Event-ID; the ticks made meanwhile are replayed.
        await page.press('[data-action="cut"]');
        await page.waitCounter('rx', 'reconnects', (n) => n === 1, 'the sse-rx reconnect after the cut');
        await page.waitCounter('native', 'reconnects', (n) => n === 1, 'the native reconnect after the cut');
        await page.waitCounter('rx', 'resumed', (n) => n > 0, 'resumed events after the cut');
        await page.expectClean('rx');
        await page.expectClean('native');

        // Restart: the stream server process is killed and forked again; the journal keeps the ids.
        const before = await page.counter('rx', 'received');
        await page.press('[data-action="restart"]');
        await waitFor(() => demo.restarts === 1, 30_000, 'the restarted process');
        await page.waitCounter('rx', 'reconnects', (n) => n === 2, 'the sse-rx reconnect after the restart');
        await page.waitCounter('rx', 'received', (n) => n >= before + 10, 'ticks after the restart');
        // The new process continued the numbering (a tick #1 again would count as duplicated) without a reset.
        await page.waitLog('rx', 'open again, with Last-Event-ID of #');
        expect((await page.log('rx')).filter((line) => line.includes('reset ('))).toEqual([]);
        await page.expectClean('rx');
        await page.expectClean('native');

        // A server error event: the contract's data, then the end of the stream.
        await page.press('[data-action="error"]');
        await page.waitLog('rx', 'typed SseServerError 503 "Price feed hiccup (the demo’s error button)" (retryable)');
        await page.waitLog('native', 'onerror got a MessageEvent');
        await page.waitCounter('rx', 'reconnects', (n) => n === 3, 'the sse-rx reconnect after the error event');
        await page.expectClean('rx');

        // 503 + Retry-After: sse-rx-client waits it out and comes back; EventSource gives up for good.
        await page.press('[data-action="unavailable"]');
        // Its next attempt may wait out a backoff of up to 8 s first (capped on the page).
        await page.waitLog('rx', 'HTTP 503 with Retry-After: 2', 30_000);
        await waitFor(async () => (await page.badge('native')) === 'closed', 10_000, 'EventSource to give up');
        await page.waitCounter('rx', 'reconnects', (n) => n === 4, 'the sse-rx reconnect after the 503s', 30_000);
        await page.expectClean('rx');
        const retryLines = (await page.log('rx')).filter((line) => line.includes('HTTP 503'));
        expect(retryLines.every((line) => Number(/retry in (\d+) ms/.exec(line)?.[1]) >= 2000)).toBe(true);

        // Offline, then hidden: paused (no request), then resumed with Last-Event-ID.
        for (const toggle of ['offline', 'hidden']) {
          const resumed = await page.counter('rx', 'resumed');
          const reconnects = await page.counter('rx', 'reconnects');
          await page.press(`[data-toggle="${toggle}"]`);
          await waitFor(async () => (await page.badge('rx')) === 'paused', 5_000, `the ${toggle} pause`);
          await waitFor(() => page.counterStill('rx', 'received', 500), 5_000, `no tick while ${toggle}`);
          await page.press(`[data-toggle="${toggle}"]`);
          await page.waitCounter('rx', 'reconnects', (n) => n === reconnects + 1, `back from ${toggle}`);
          await page.waitCounter('rx', 'resumed', (n) => n > resumed, `the ticks made while ${toggle}, replayed`);
          await page.expectClean('rx');
        }

        // A new EventSource after it gave up cannot resume: the ticks in between are lost.
        await page.press('[data-native="reopen"]');
        await page.waitCounter('native', 'lost', (n) => n > 0, 'the gap a new EventSource leaves');

        // Broadcast: both clients see each other and the shared list.
        const room = (name: string, list: string) => tab.locator(`#room [data-client="${name}"] .${list} li`);
        await waitFor(async () => (await room('Ada', 'present').allTextContents()).length === 2, 5_000, 'presence');
        expect(await room('Bo', 'present').allTextContents()).toEqual(['Ada', 'Bo']); // sorted by the server
        await tab.click('#room [data-client="Ada"] [data-room="add"]');
        await tab.click('#room [data-client="Bo"] [data-room="add"]');
        for (const name of ['Ada', 'Bo'])
          await waitFor(
            async () => (await room(name, 'items').allTextContents()).join() === 'apples (from Ada),bread (from Bo)',
            5_000,
            `the shared list at ${name}`,
          );
        await tab.click('#room [data-client="Bo"] [data-room="leave"]');
        await waitFor(async () => (await room('Ada', 'present').allTextContents()).join() === 'Ada', 5_000, 'Bo gone');
        await tab.click('#room [data-client="Bo"] [data-room="leave"]');
        await waitFor(async () => (await room('Ada', 'present').allTextContents()).length === 2, 5_000, 'Bo back');

        // The wire: the exact frames the sse-rx client read.
        const wire = (await tab.locator('#wire pre').textContent()) ?? '';
        expect(wire).toMatch(/event: tick↵id: [0-9a-f]{8}-\d+↵data: \{"n":\d+,"time":\d+,"price":[\d.]+\}↵↵/);

        const rx = await page.counters('rx');
        const native = await page.counters('native');
        console.log(`sse-rx-client: ${JSON.stringify(rx)}\nEventSource:   ${JSON.stringify(native)}`);
        expect(rx).toMatchObject({ reconnects: 6, lost: 0, duplicated: 0 });
        await tab.screenshot({ path: SCREENSHOT, fullPage: true });
      } catch (error) {
        // What the page showed when it failed, to look at.
        await tab.screenshot({ path: join(tmpdir(), 'sse-rx-demo-failed.png'), fullPage: true });
        throw error;
      } finally {
        await browser.close();
      }
    },
    180_000,
  );
});

/** A tab of the test's Chromium. */
type Page = Awaited<ReturnType<Browser['context']['newPage']>>;

/** Reads and waits on what the page shows. */
function drive(tab: Page) {
  const counter = async (panel: string, name: string) =>
    Number(await tab.locator(`#${panel} [data-counter="${name}"]`).textContent());
  const log = async (panel: string): Promise<string[]> => tab.locator(`#${panel} .log li`).allTextContents();
  return {
    counter,
    log,
    badge: (panel: string) => tab.locator(`#${panel} .badge`).textContent(),
    press: (selector: string) => tab.click(selector),
    counters: async (panel: string) =>
      Object.fromEntries(
        await Promise.all(
          ['received', 'reconnects', 'resumed', 'lost', 'duplicated'].map(
            async (name) => [name, await counter(panel, name)] as const,
          ),
        ),
      ),
    waitCounter: (panel: string, name: string, check: (n: number) => boolean, what: string, timeoutMs = 20_000) =>
      waitFor(async () => check(await counter(panel, name)), timeoutMs, what),
    waitLog: (panel: string, text: string, timeoutMs = 10_000) =>
      waitFor(async () => (await log(panel)).some((line) => line.includes(text)), timeoutMs, `"${text}" in ${panel}`),
    /** True when the counter stays the same for `ms` (a pause sends nothing). */
    counterStill: async (panel: string, name: string, ms: number) => {
      const first = await counter(panel, name);
      await tab.waitForTimeout(ms);
      return (await counter(panel, name)) === first;
    },
    expectClean: async (panel: string) => {
      expect(await counter(panel, 'lost')).toBe(0);
      expect(await counter(panel, 'duplicated')).toBe(0);
    },
  };
}
