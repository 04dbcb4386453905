import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, type Browser } from '../../../test/support/browser.js';
import { waitFor } from '../../../test/support/http.js';
import { STREAMS } from '../src/page.js';
import { type Running, start } from '../src/server.js';

describe.skipIf(!hasChromium)('the HTTP/2 example in Chromium', () => {
  let running: Running;
  let browser: Browser;
  beforeAll(async () => {
    running = await start(0, 50);
    // The certificate is made at start and trusted by nobody: this test only, not the example, skips the check.
    browser = await launchBrowser(['--ignore-certificate-errors']);
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  /** Opens the page and returns what it shows once `ready` holds for the stream counts. */
  async function load(url: string, ready: (events: number[]) => boolean) {
    const tab = await browser.context.newPage();
    await tab.goto(url);
    const events = async () =>
      await tab.locator('#streams li').evaluateAll((items) => items.map((li) => Number(li.dataset['events'])));
    await waitFor(async () => ready(await events()), 15_000, 'the streams to receive events');
    const shown = {
      protocol: await tab.locator('#protocol').textContent(),
      open: Number(await tab.locator('#summary').getAttribute('data-open')),
      summary: await tab.locator('#summary').textContent(),
      events: await events(),
      stats: running.stats(),
    };
    await tab.evaluate(() => (window as unknown as { closeStreams(): void }).closeStreams());
    await tab.close();
    return shown;
  }

  it(`over HTTP/2, all ${STREAMS} streams are open at once, on one connection`, async () => {
    const shown = await load(running.h2Url, (events) => events.length === STREAMS && events.every((n) => n >= 3));
    expect(shown.protocol).toBe('h2');
    expect(shown.open).toBe(STREAMS);
    expect(shown.summary).toBe(`${STREAMS} of ${STREAMS} streams open at once`);
    expect(shown.stats.h2).toEqual({ streams: STREAMS, connections: 1 });
  });

  it('over HTTP/1.1, six streams are open and the others wait, while the six keep receiving', async () => {
    // Six streams with ten events each: 500 ms of ticks during which the other six stayed queued.
    const shown = await load(running.h1Url, (events) => events.filter((n) => n >= 10).length >= 6);
    expect(shown.protocol).toBe('http/1.1');
    expect(shown.open).toBe(6);
    expect(shown.events.filter((n) => n === 0)).toHaveLength(STREAMS - 6);
    expect(shown.summary).toBe(`6 of ${STREAMS} streams open (the others wait for a free connection)`);
    expect(shown.stats.h1).toEqual({ streams: 6, connections: 6 });
  });
});
