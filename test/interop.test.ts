import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSession } from 'better-sse';
import { EventSource } from 'eventsource';
import { createParser } from 'eventsource-parser';
import { firstValueFrom, from, take, toArray } from 'rxjs';
import { fromSse, parseJson } from 'sse-rx-client';
import { sendEvents } from 'sse-rx-server';
import { afterEach, describe, expect, it } from 'vitest';
import { expected, type PageEvent, tricky } from './support/fixtures.js';
import { startServer, type TestServer, waitFor } from './support/http.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An sse-rx-server endpoint that sends the tricky fixture, then ends. */
const serveTricky = () =>
  startServer((req: IncomingMessage, res: ServerResponse) => sendEvents(req, res, from(tricky)));

describe('peer clients read sse-rx-server', () => {
  it('the eventsource package receives exactly the events sent', async () => {
    server = await serveTricky();
    const received: PageEvent[] = [];
    const source = new EventSource(`${server.url}/events`);
    for (const type of ['message', 'custom', 'json'])
      source.addEventListener(type, (e) => received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId }));
    try {
      await waitFor(() => received.length >= expected.length, 10_000, 'eventsource events');
      expect(received).toEqual(expected);
    } finally {
      source.close();
    }
  });

  it('eventsource-parser reads the same events and the retry hint from the raw bytes', async () => {
    server = await serveTricky();
    const received: PageEvent[] = [];
    const retries: number[] = [];
    const parser = createParser({
      onEvent: (e) => received.push({ type: e.event ?? 'message', data: e.data, lastEventId: e.id ?? '' }),
      onRetry: (ms) => retries.push(ms),
    });
    const response = await fetch(`${server.url}/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      parser.feed(text.decode(chunk, { stream: true }));
    // eventsource-parser reports only the id field of each event, not the persisted last event id.
    expect(received.map(({ type, data }) => ({ type, data }))).toEqual(
      expected.map(({ type, data }) => ({ type, data })),
    );
    expect(received.map((e) => e.lastEventId)).toEqual(expected.map((e) => e.lastEventId));
    expect(retries).toEqual([300]);
  });
});

describe('sse-rx-client reads peer servers', () => {
  it('receives better-sse events with their types, ids and JSON data', async () => {
    const pushed = [
      { data: { n: 1, text: 'héllo 😀' }, event: 'tick', id: 'a1' },
      { data: { n: 2, lines: 'one\ntwo' }, event: 'tick', id: 'a2' },
      { data: 'a plain string', event: 'note', id: 'a3' },
    ];
    server = await startServer(async (req, res) => {
      const session = await createSession(req, res);
      for (const p of pushed) session.push(p.data, p.event, p.id);
    });
    const events = await firstValueFrom(
      fromSse(`${server.url}/events`).pipe(parseJson(), take(pushed.length), toArray()),
    );
    expect(events).toEqual(pushed.map((p) => ({ type: p.event, data: p.data, lastEventId: p.id })));
  });
});
