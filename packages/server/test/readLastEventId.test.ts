import { createEventLog, readLastEventId, sendEvents } from '../src/index.js';
import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
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

  it('lets a client resume from a replay log over a real connection', async () => {
    const source = new Subject<SseMessage>();
    const log = createEventLog(source);
    server = await listen((req, res) => void sendEvents(req, res, log.stream(readLastEventId(req))));
    source.next({ data: 'a' });
    source.next({ data: 'b' });
    source.next({ data: 'c' });
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
    expect(await read({ headers: { 'last-event-id': '1' } })).toEqual(['2:b', '3:c']);
    expect(await read({}, '/?lastEventId=1')).toEqual(['2:b', '3:c']);
    log.close();
  });
});
