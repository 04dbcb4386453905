import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { sendEvents } from '../src/index.js';
import { type ChunkReader, closeReaders, eventIds, readChunks } from './chunkReader.js';
import { listen, type TestServer, until } from './helpers.js';

const frame = (n: number) => `id: ${n}\ndata: é ${n}\n\n`;
/** The wire bytes (as latin1 text, like the chunks) of the frames of ids `from` to `to` - 1. */
const frames = (from: number, to: number) =>
  Buffer.from(Array.from({ length: to - from }, (_, n) => frame(from + n)).join(''), 'utf8').toString('latin1');
const emit = (source: Subject<SseMessage>, from: number, to: number) => {
  for (let n = from; n < to; n++) source.next({ id: String(n), data: `é ${n}` });
};

let server: TestServer | undefined;
afterEach(async () => {
  closeReaders();
  await server?.close();
  server = undefined;
});

/** A server streaming `source` to every request, and `clients` raw readers with their streams started. */
async function serve(clients: number): Promise<{ source: Subject<SseMessage>; readers: ChunkReader[] }> {
  const source = new Subject<SseMessage>();
  let streams = 0;
  server = await listen((req, res) => {
    streams++;
    sendEvents(req, res, source);
  });
  const readers = Array.from({ length: clients }, () => readChunks(server!.port, '/'));
  await until(() => streams === clients);
  return { source, readers };
}

describe('sendEvents: the messages of one tick go out in one write', () => {
  it('sends 10 messages emitted in one tick as one HTTP chunk, in order, byte for byte', async () => {
    const { source, readers } = await serve(1);
    const reader = readers[0]!;
    emit(source, 0, 1);
    await until(() => eventIds(reader) === 1);
    emit(source, 1, 11);
    await until(() => eventIds(reader) === 11);
    expect(reader.chunks).toEqual([frames(0, 1), frames(1, 11)]);
  });

  it('gives every client of a broadcast its burst as one chunk, burst after burst', async () => {
    const { source, readers } = await serve(3);
    for (const [from, to] of [
      [0, 10],
      [10, 20],
      [20, 23],
    ] as const) {
      emit(source, from, to);
      await until(() => readers.every((reader) => eventIds(reader) === to));
    }
    for (const reader of readers) expect(reader.chunks).toEqual([frames(0, 10), frames(10, 20), frames(20, 23)]);
  });

  it('does not hold a message for the next one: messages of separate ticks arrive one by one', async () => {
    const { source, readers } = await serve(1);
    for (let n = 0; n < 5; n++) {
      emit(source, n, n + 1);
      // Each arrives on its own, before the next is emitted.
      await until(() => eventIds(readers[0]!) === n + 1);
    }
    expect(readers[0]!.chunks).toEqual([0, 1, 2, 3, 4].map((n) => frames(n, n + 1)));
  });

  it('writes what a tick queued before the end of the stream, then ends it', async () => {
    const { source, readers } = await serve(1);
    const reader = readers[0]!;
    emit(source, 0, 1);
    await until(() => eventIds(reader) === 1);
    emit(source, 1, 3);
    source.complete();
    await until(() => reader.raw().endsWith('0\r\n\r\n'));
    expect(reader.chunks).toEqual([frames(0, 1), frames(1, 3)]);
  });
});
