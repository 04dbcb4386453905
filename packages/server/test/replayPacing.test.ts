import { get, type IncomingMessage, type ServerResponse } from 'node:http';
import { SseDecoder } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, readLastEventId, sendEvents, toReadableStream, type EventStore } from '../src/index.js';
import { listen, until, type TestServer } from './helpers.js';
import { readNumbers } from '../../../test/support/readNumbers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const BOUND = 64 * 1024;
const TEXT = 'Grüße aus Köln, 東京の天気は晴れ, ça va 👍 '.repeat(20);

/** A store holding `count` events of about 1 KB after the returned id (mixed text, a fresh object each). */
async function backlog(count: number): Promise<{ store: EventStore; first: string }> {
  const store = createMemoryStore({ maxEvents: count + 1 });
  const first = await store.append({ data: 'start' });
  for (let n = 0; n < count; n++) await store.append({ event: 'msg', data: `${n} ${TEXT}` });
  return { store, first };
}

/** Lets `turns` timer tasks of the event loop run (the old replay sent a batch per timer task). */
async function timerTurns(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('a replay is paced by the client connection', () => {
  it('sends a backlog 90x the per-client bound whole to a client that stops reading, then reads again', async () => {
    const count = 6000;
    const { store, first } = await backlog(count);
    let response: ServerResponse | undefined;
    const errors: unknown[] = [];
    server = await listen((req, res) => {
      response = res;
      sendEvents(req, res, store.stream(readLastEventId(req)), {
        backpressure: { maxBufferBytes: BOUND },
        onError: (error) => errors.push(error),
      });
    });
    // The client does not read: its response stays paused until it attaches a 'data' listener.
    const reply = await new Promise<IncomingMessage>((resolve) =>
      get(`${server!.url}/`, { headers: { 'last-event-id': first } }, resolve),
    );
    // The kernel's buffers are full: Node itself holds bytes for this client.
    await until(() => (response?.writableLength ?? 0) > 0 || response?.destroyed === true, 10_000);
    let mostHeld = 0;
    for (let turn = 0; turn < 20; turn++) {
      await timerTurns(1);
      mostHeld = Math.max(mostHeld, response!.writableLength);
    }
    expect(response!.destroyed).toBe(false);

    const numbers: number[] = [];
    const decoder = new SseDecoder({ onEvent: (event) => numbers.push(Number.parseInt(event.data, 10)) });
    reply.setEncoding('utf8');
    reply.on('data', (text: string) => decoder.feed(text));
    let closed = false;
    reply.on('close', () => (closed = true));
    await until(() => numbers.length >= count || closed, 30_000);
    reply.destroy();

    expect(errors).toEqual([]);
    expect(numbers.length).toBe(count);
    expect(numbers).toEqual(numbers.map((_, n) => n));
    // What the process held for the client stayed within the bound (plus the frame in flight).
    expect(mostHeld).toBeLessThanOrEqual(BOUND + 2048);
  }, 60_000);

  it('holds a Web stream reader that pauses to the same pace: no SseSlowClientError, every event once', async () => {
    const count = 2000;
    const { store, first } = await backlog(count);
    const reader = toReadableStream(store.stream(first), { backpressure: { maxBufferBytes: BOUND } }).getReader();
    // Nothing is read for a while: the replay must wait for the reader, not fill the bound.
    await timerTurns(20);
    expect(await readNumbers(reader, count)).toEqual(Array.from({ length: count }, (_, n) => n));
  });
});
