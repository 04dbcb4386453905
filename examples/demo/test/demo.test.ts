import { firstValueFrom, take, toArray } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { waitFor } from '../../../test/support/http.js';
import { type DemoServer, start } from '../src/server.js';
import { printTicks } from '../src/terminal.js';
import type { Tick } from '../src/ticker.js';

describe('the demo', () => {
  let demo: DemoServer;
  beforeAll(async () => {
    demo = await start(0, 50);
  });
  afterAll(async () => demo?.close());

  it('streams numbered ticks whose ids match their sequence numbers', async () => {
    const ticks = await firstValueFrom(
      fromSse<{ tick: Tick }>(`${demo.url}/events`).pipe(ofType('tick'), parseJson(), take(3), toArray()),
    );
    const numbers = ticks.map((t) => t.data.n);
    expect(numbers[1]).toBe(numbers[0]! + 1);
    expect(numbers[2]).toBe(numbers[0]! + 2);
    expect(ticks.map((t) => t.lastEventId)).toEqual(numbers.map(String));
    expect(ticks.every((t) => t.type === 'tick' && typeof t.data.price === 'number')).toBe(true);
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

  it.skipIf(!hasChromium)('shows live ticks in both panels of the page (sse-rx-client and EventSource)', async () => {
    const browser = await launchBrowser();
    try {
      const tab = await browser.context.newPage();
      await tab.goto(`${demo.url}/`);
      for (const panel of ['rx', 'native'])
        await waitFor(
          async () => (await tab.locator(`#${panel} li`).count()) >= 3,
          10_000,
          `ticks in the ${panel} panel`,
        );
      expect(await tab.locator('#rx .state').textContent()).toBe('open');
      expect(await tab.locator('#native .state').textContent()).toBe('open');
      if (process.env.DEMO_SCREENSHOT) await tab.screenshot({ path: process.env.DEMO_SCREENSHOT });
    } finally {
      await browser.close();
    }
  });
});
