import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { waitFor } from '../../../test/support/http.js';
import { buildTestApp, type RunningApp, startTestApp } from './support/testApp.js';

// One real Angular app (test/app: zoneless, HttpClient with a base-URL and an auth interceptor,
// hydration), built once for this file and rendered both on the server and in Chromium.
describe.skipIf(!hasChromium)('sseResource in a real Angular app', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sse-rx-angular-app-'));
  let running: RunningApp;
  let browser: Browser;
  let tab: Awaited<ReturnType<Browser['context']['newPage']>>;
  const console: string[] = [];
  const errors: string[] = [];
  const text = async (id: string) => (await tab.locator(`#${id}`).textContent()) ?? '';
  const ticks = async () => (await text('ticks')).split(' ').filter(Boolean);

  beforeAll(async () => {
    running = await startTestApp(await buildTestApp(outDir));
    browser = await launchBrowser();
    tab = await browser.context.newPage();
    tab.on('console', (message) => console.push(message.text()));
    tab.on('pageerror', (error) => errors.push(error.message));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('renders on the server without opening a stream: the resource is idle and the render completes', async () => {
    const html = await running.render();
    expect(html).toContain('status: idle');
    expect(html).toContain('room: a');
    // Hydration data for the browser, which picks the stream up.
    expect(html).toMatch(/ngh="\d+"/);
    expect(running.requests).toEqual([]);
  });

  it('hydrates in Chromium and opens the stream there, through the app interceptors', async () => {
    await tab.goto(running.url);
    await waitFor(async () => (await ticks()).length >= 3, 15_000, 'three ticks on the page');
    expect(await text('status')).toBe('status: open');
    // One request, from the browser (the server render sent none): the base-URL interceptor moved
    // /api/events to /v1/events and the auth interceptor added the token.
    expect(running.requests).toEqual([
      { path: '/v1/events', room: 'a', authorization: 'Bearer test-token', lastEventId: undefined },
    ]);
    expect(console.some((line) => /Angular hydrated 1 component/.test(line))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a param change closes the stream and opens one for the new params', async () => {
    await tab.click('#room-b');
    await waitFor(async () => (await ticks()).some((tick) => tick.startsWith('b')), 15_000, 'a tick of room b');
    await waitFor(() => running.openRooms().join() === 'b', 5_000, 'room a closed at the server, room b open');
    expect(running.requests.map((request) => request.room)).toEqual(['a', 'b']);
    expect(running.requests[1]).toMatchObject({ authorization: 'Bearer test-token', lastEventId: undefined });
    expect(await text('room')).toBe('room: b');
  });

  it('the status signal follows a cut and the resume; no tick lost or repeated', async () => {
    const before = running.requests.length;
    await waitFor(async () => (await text('history')).endsWith('open'), 5_000, 'open');
    const history = (await text('history')).split(' ').length;
    running.cut();
    await waitFor(() => running.requests.length === before + 1, 15_000, 'the reconnect request');
    await waitFor(async () => (await text('status')) === 'status: open', 15_000, 'open again');
    const after = (await text('history')).split(' ').slice(history);
    expect(after).toEqual(['reconnecting', 'connecting', 'open']);
    const resumed = running.requests.at(-1)!;
    expect(resumed).toMatchObject({ room: 'b', authorization: 'Bearer test-token' });
    expect(Number(resumed.lastEventId)).toBeGreaterThan(0);
    // Ticks go on from the id the client resumed from: consecutive across the cut.
    await waitFor(
      async () => (await ticks()).some((tick) => Number(tick.slice(1)) > Number(resumed.lastEventId) + 1),
      15_000,
      'ticks after the resume',
    );
    const numbers = (await ticks()).map((tick) => Number(tick.slice(1)));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    expect(errors).toEqual([]);
  });

  it('a 401 ends the stream: status error, error() the SseHttpError, value() the default; reload() tries again', async () => {
    const before = running.requests.length;
    await tab.click('#room-locked');
    await waitFor(async () => (await text('status')) === 'status: error', 15_000, 'status error');
    expect(await text('error')).toBe('SseHttpError');
    expect(await ticks()).toEqual([]);
    // A 401 is not retried: one request.
    expect(running.requests.slice(before).map((request) => request.room)).toEqual(['locked']);
    await tab.click('#reload');
    await waitFor(() => running.requests.length === before + 2, 15_000, 'the reload request');
    await waitFor(async () => (await text('status')) === 'status: error', 15_000, 'status error again');
    expect(errors).toEqual([]);
  });

  it('without sseRxInterceptor in the chain, the stream fails at once with a setup error and is not retried', async () => {
    await tab.click('#bare-start');
    // `error` (not `reconnecting`): the retry rule refused it.
    await waitFor(async () => (await text('bare')).startsWith('error '), 15_000, 'the bare resource in error');
    expect(await text('bare')).toMatch(
      /^error SseNetworkError: sse-rx-angular: .* add sseRxInterceptor as the LAST interceptor/,
    );
    expect(await text('status')).toBe('status: error');
    expect(errors).toEqual([]);
  });
});
