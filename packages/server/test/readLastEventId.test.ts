import { createMemoryStore, readLastEventId, sendEvents } from '../src/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, listen, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('readLastEventId', () => {
  it('reads the Last-Event-ID header of a Web Request', () => {
    expect(readLastEventId(new Request('http://x/', { headers: { 'last-event-id': '42' } }))).toBe('42');
  });

  it('falls back to the lastEventId query parameter, and prefers the header', () => {
    expect(readLastEventId(new Request('http://x/e?lastEventId=7'))).toBe('7');
    expect(readLastEventId(new Request('http://x/e?lastEventId=7', { headers: { 'last-event-id': '9' } }))).toBe('9');
  });

  it('returns undefined when the client sent no id', () => {
    expect(readLastEventId(new Request('http://x/'))).toBeUndefined();
  });

  it('ignores and reports an id longer than maxLength, by default 256 characters', () => {
    const reports: string[] = [];
    const onInvalid = (value: string, reason: string) => reports.push(`${value.length}:${reason}`);
    const longest = '7'.repeat(256);
    expect(readLastEventId(new Request('http://x/', { headers: { 'last-event-id': longest } }), { onInvalid })).toBe(
      longest,
    );
    expect(
      readLastEventId(new Request('http://x/', { headers: { 'last-event-id': longest + '7' } }), { onInvalid }),
    ).toBeUndefined();
    expect(readLastEventId(new Request(`http://x/?lastEventId=${'1'.repeat(300)}`), { onInvalid })).toBeUndefined();
    expect(readLastEventId(new Request('http://x/?lastEventId=12345'), { maxLength: 4, onInvalid })).toBeUndefined();
    expect(reports).toEqual(['257:too-long', '300:too-long', '5:too-long']);
  });

  it('ignores and reports an id holding a control character', () => {
    const reasons: string[] = [];
    const onInvalid = (_value: string, reason: string) => reasons.push(reason);
    for (const query of ['a%00b', '1%0A2', '1%0D', '%7F', '%1B[31m']) {
      expect(readLastEventId(new Request(`http://x/?lastEventId=${query}`), { onInvalid })).toBeUndefined();
    }
    expect(
      readLastEventId(new Request('http://x/', { headers: { 'last-event-id': 'a\tb' } }), { onInvalid }),
    ).toBeUndefined();
    expect(reasons).toEqual(Array(6).fill('control-character'));
    expect(readLastEventId(new Request('http://x/?lastEventId=caf%C3%A9%20%F0%9F%98%80'))).toBe('café 😀');
  });

  it('does not fall back to the query when the header is invalid', () => {
    const request = new Request('http://x/?lastEventId=2', { headers: { 'last-event-id': 'x'.repeat(1000) } });
    expect(readLastEventId(request)).toBeUndefined();
  });

  it('never crashes on a huge or malformed id over a real connection, and never replays everything', async () => {
    const store = createMemoryStore();
    const invalid: string[] = [];
    server = await listen((req, res) => {
      // /raw hands the unchecked value to the store, which answers with a reset.
      const id = req.url?.startsWith('/raw')
        ? (req.headers['last-event-id'] as string | undefined)
        : readLastEventId(req, { onInvalid: (_, why) => invalid.push(why) });
      sendEvents(req, res, store.stream(id));
    });
    for (let n = 0; n < 50; n++) await store.append({ data: `e${n}` });
    const firstEvents = async (path: string, headers: Record<string, string> = {}) => {
      const controller = new AbortController();
      const response = await fetch(server!.url + path, { headers, signal: controller.signal });
      const reader = response.body!.getReader();
      // Publish one live event so that every stream has something to show, then read briefly.
      setTimeout(() => void store.append({ data: 'live' }), 20);
      let text = '';
      for (let i = 0; i < 100 && decode(text).events.length === 0; i++) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      return { status: response.status, events: decode(text).events };
    };
    const huge = '9'.repeat(8000);
    for (const [path, headers] of [
      ['/', { 'last-event-id': huge }],
      [`/?lastEventId=${huge}`, {}],
      ['/?lastEventId=1%00', {}],
      ['/?lastEventId=%0Adata:%20injected', {}],
    ] as const) {
      const { status, events } = await firstEvents(path, headers);
      expect(status).toBe(200);
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toBe('live');
    }
    expect(invalid).toEqual(['too-long', 'too-long', 'control-character', 'control-character']);
    const raw = await firstEvents('/raw', { 'last-event-id': huge });
    expect(raw.events[0]!.type).toBe('reset');
    // The reset echoes only the first 64 characters of what the client sent.
    expect(JSON.parse(raw.events[0]!.data)).toEqual({ reason: 'malformed', lastEventId: `${huge.slice(0, 64)}…` });
  });

  it('lets a client resume from a memory store over a real connection', async () => {
    const store = createMemoryStore();
    server = await listen((req, res) => void sendEvents(req, res, store.stream(readLastEventId(req))));
    const ids = [
      await store.append({ data: 'a' }),
      await store.append({ data: 'b' }),
      await store.append({ data: 'c' }),
    ];
    const read = async (init: RequestInit, path = '/') => {
      const reader = (await fetch(server!.url + path, init)).body!.getReader();
      let text = '';
      for (let i = 0; i < 100 && decode(text).events.length < 2; i++) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      return decode(text).events.map((event) => `${event.lastEventId}:${event.data}`);
    };
    const expected = [`${ids[1]}:b`, `${ids[2]}:c`];
    expect(await read({ headers: { 'last-event-id': ids[0]! } })).toEqual(expected);
    expect(await read({}, `/?lastEventId=${encodeURIComponent(ids[0]!)}`)).toEqual(expected);
  });
});
