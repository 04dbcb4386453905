import { interval } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, readLastEventId, sendEvents } from '../src/index.js';
import { decode, listen, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createMemoryStore with many reconnecting clients', () => {
  it('gives every reconnecting client a gapless, duplicate-free sequence while events keep coming', async () => {
    const total = 300;
    // An event every millisecond, appended all along while clients come and go.
    const store = createMemoryStore();
    const appending = interval(1).subscribe((n) => void store.append({ data: `e${n}` }));
    server = await listen((req, res) => void sendEvents(req, res, store.stream(readLastEventId(req))));
    const url = server.url;

    /** Connects, reads a few events, drops the connection, reconnects with Last-Event-ID, until the end. */
    const client = async (): Promise<number[]> => {
      const ids: number[] = [];
      // The number at the end of each id (`<epoch>:<n>`), to check the sequence.
      let lastEventId = '';
      for (let connection = 0; connection < 50 && (ids.at(-1) ?? 0) < total; connection++) {
        const controller = new AbortController();
        const headers: Record<string, string> = lastEventId ? { 'last-event-id': lastEventId } : {};
        const reader = (await fetch(url, { headers, signal: controller.signal })).body!.getReader();
        let text = '';
        const wanted = 1 + Math.floor(Math.random() * 20);
        for (let reads = 0; reads < 1000 && decode(text).events.length < wanted; reads++) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        controller.abort();
        for (const event of decode(text).events) {
          ids.push(Number(event.lastEventId.split(':')[1]));
          lastEventId = event.lastEventId;
        }
      }
      return ids;
    };
    const results = await Promise.all(Array.from({ length: 20 }, client));
    appending.unsubscribe();
    for (const ids of results) {
      expect(ids.at(-1)).toBeGreaterThanOrEqual(total);
      expect(ids).toEqual(ids.map((_, k) => ids[0]! + k));
    }
    // Bounded by the 300 appends (about 0.4 s alone; the timer runs late on a loaded machine).
  }, 60_000);
});
