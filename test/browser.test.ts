import type { IncomingMessage, ServerResponse } from 'node:http';
import { concat, from, NEVER, type Observable, of, throwError } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { createMemoryStore, heartbeat, sendEvents } from 'sse-rx-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser } from './support/browser.js';
import { bundleClient } from '../examples/demo/src/bundle.js';
import { expected, type PageEvent, tricky } from './support/fixtures.js';
import { startServer, type TestServer, waitFor } from './support/http.js';

if (!hasChromium)
  console.warn(
    '\n*** Chromium not found at /usr/bin/chromium: browser e2e tests SKIPPED (apt-get install -y chromium) ***\n',
  );

const page = (script: string) =>
  `<!doctype html><meta charset="utf-8"><title>sse-rx e2e</title><script>${script}</script>`;

/** What the page scripts keep on `window`: the events received, and the EventSource (when one is used). */
type PageWindow = Window & { received: PageEvent[]; source: EventSource };

/** A page script that records every event of the given types from a native EventSource. */
const eventSourceScript = (types: string[]) => `
  window.received = [];
  const source = new EventSource('/events');
  window.source = source;
  for (const type of ${JSON.stringify(types)})
    source.addEventListener(type, (e) => window.received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId }));
`;

describe.skipIf(!hasChromium)('a real browser against sse-rx-server', () => {
  let browser: Browser;
  let clientBundle: string;
  beforeAll(async () => {
    [browser, clientBundle] = await Promise.all([launchBrowser(), bundleClient()]);
  });
  afterAll(async () => browser?.close());

  /** Serves `/` (a page with `script`) and `/events` (from `events`), recording Last-Event-ID headers. */
  function app(
    script: () => string,
    events: (lastEventId: string | undefined) => Observable<SseMessage>,
    seenIds: (string | undefined)[],
  ) {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/events') {
        const lastEventId = req.headers['last-event-id'] as string | undefined;
        seenIds.push(lastEventId);
        sendEvents(req, res, events(lastEventId));
      } else if (req.url === '/client.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(clientBundle);
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(script()));
      }
    };
  }

  it('EventSource receives exactly the events sent: multi-line data, types, ids, unicode, retry', async () => {
    const seenIds: (string | undefined)[] = [];
    const server = await startServer(
      app(
        () => eventSourceScript(['message', 'custom', 'json']),
        () => from(tricky),
        seenIds,
      ),
    );
    const tab = await browser.context.newPage();
    try {
      await tab.goto(server.url);
      await waitFor(
        async () => (await tab.evaluate(() => (window as unknown as PageWindow).received.length)) >= expected.length,
        10_000,
        'events in the page',
      );
      expect(await tab.evaluate(() => (window as unknown as PageWindow).received)).toEqual(expected);
      await tab.evaluate(() => (window as unknown as PageWindow).source.close());
    } finally {
      await tab.close();
      await server.close();
    }
  });

  it('EventSource reconnects by itself after a server restart and resumes from Last-Event-ID with no gap', async () => {
    // The store outlives the HTTP server, as an app's store (or a Redis stream) would.
    const store = createMemoryStore();
    const ids: string[] = [];
    const publish = async (n: number) => void ids.push(await store.append({ data: `event ${n}` }));
    const replayFrom = (lastEventId: string | undefined) => concat(of({ retry: 200 }), store.stream(lastEventId));
    const seenIds: (string | undefined)[] = [];
    const handler = app(() => eventSourceScript(['message']), replayFrom, seenIds);
    let server: TestServer = await startServer(handler);
    const port = server.port;
    const tab = await browser.context.newPage();
    const dataInPage = async () =>
      (await tab.evaluate(() => (window as unknown as PageWindow).received.map((e) => e.data))) as string[];
    try {
      await tab.goto(server.url);
      await waitFor(() => seenIds.length === 1, 10_000, 'the first connection');
      for (let n = 1; n <= 3; n++) await publish(n);
      await waitFor(async () => (await dataInPage()).length === 3, 10_000, 'three events');

      await server.close();
      for (let n = 4; n <= 6; n++) await publish(n); // published while the server is down
      server = await startServer(handler, port);
      await waitFor(async () => (await dataInPage()).length >= 6, 15_000, 'the missed events after reconnecting');
      await publish(7);
      await waitFor(async () => (await dataInPage()).length >= 7, 10_000, 'a live event after reconnecting');

      expect(await dataInPage()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `event ${n}`));
      expect(seenIds).toEqual([undefined, ids[2]]);
      await tab.evaluate(() => (window as unknown as PageWindow).source.close());
    } finally {
      await tab.close();
      await server.close();
    }
  });

  it('EventSource reads a contract stream: ignores the heartbeat announcement, gets a retryable event: error as a MessageEvent, then reconnects by itself', async () => {
    const script = () => `
      window.received = [];
      const source = new EventSource('/events');
      window.source = source;
      source.addEventListener('message', (e) => window.received.push({ type: 'message', data: e.data, id: e.lastEventId }));
      // What a native EventSource user sees: the contract's event: error is a MessageEvent with data,
      // the connection ending is a plain Event.
      source.addEventListener('error', (e) =>
        window.received.push(e instanceof MessageEvent ? { type: 'error', data: e.data } : { type: 'connection error' }),
      );
    `;
    const firstConnection = (): Observable<SseMessage> =>
      concat(
        of({ retry: 200 }, { id: '1', data: 'one' }, { id: '2', data: 'two' }),
        throwError(() => new Error('database password leaked here')),
      ).pipe(heartbeat(60_000));
    const reconnection = (): Observable<SseMessage> =>
      concat(of({ id: '3', data: 'three' }), NEVER).pipe(heartbeat(60_000));
    const seenIds: (string | undefined)[] = [];
    const server = await startServer(
      app(script, (lastEventId) => (lastEventId === undefined ? firstConnection() : reconnection()), seenIds),
    );
    const tab = await browser.context.newPage();
    try {
      await tab.goto(server.url);
      const received = () => tab.evaluate(() => (window as unknown as { received: unknown[] }).received);
      await waitFor(async () => (await received()).length >= 5, 15_000, 'the events of both connections');
      expect(await received()).toEqual([
        { type: 'message', data: 'one', id: '1' },
        { type: 'message', data: 'two', id: '2' },
        { type: 'error', data: '{"status":500,"message":"Internal error","retryable":true}' },
        { type: 'connection error' },
        { type: 'message', data: 'three', id: '3' },
      ]);
      expect(seenIds).toEqual([undefined, '2']);
      // The same stream as raw bytes: the announcement comment comes first, on the wire.
      const raw = await fetch(`${server.url}/events`).then((response) => response.text());
      expect(raw).toBe(
        ': sse-rx heartbeat-ms=60000\n\nretry: 200\n\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n' +
          'event: error\ndata: {"status":500,"message":"Internal error","retryable":true}\n\n',
      );
      await tab.evaluate(() => (window as unknown as { source: EventSource }).source.close());
    } finally {
      await tab.close();
      await server.close();
    }
  });

  it('sse-rx-client bundled into the page reads the same stream as EventSource', async () => {
    const script = () => `
      window.received = [];
      const s = document.createElement('script');
      s.src = '/client.js';
      s.onload = () => {
        window.subscription = sseRx.fromSse('/events', { reconnect: false })
          .subscribe((e) => window.received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId }));
      };
      document.head.append(s);
    `;
    const server = await startServer(app(script, () => from(tricky), []));
    const tab = await browser.context.newPage();
    try {
      await tab.goto(server.url);
      await waitFor(
        async () => (await tab.evaluate(() => (window as unknown as PageWindow).received.length)) >= expected.length,
        10_000,
        'events in the page',
      );
      expect(await tab.evaluate(() => (window as unknown as PageWindow).received)).toEqual(expected);
    } finally {
      await tab.close();
      await server.close();
    }
  });
});
