import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { SseSlowClientError, toReadableStream, toResponse } from '../src/index.js';
import { closeReaders, eventIds, readChunks } from './chunkReader.js';
import { listenFetch, type TestServer, until } from './helpers.js';

const utf8 = new TextEncoder();
const message = (n: number, data = `é ${n}`): SseMessage => ({ id: String(n), data });
const frame = (n: number, data = `é ${n}`) => `id: ${n}\ndata: ${data}\n\n`;
const frames = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => frame(from + n)).join('');
/** One event loop turn: what the stream hands on at the end of a tick is in it by then. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Reads chunks until `bytes` bytes arrived (or the stream ended), at most `max` reads. */
async function readBytes(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number, max = 1000) {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (let reads = 0; received < bytes && reads < max; reads++) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
  }
  return chunks;
}
const asText = (chunk: Uint8Array) => Buffer.from(chunk).toString('utf8');
const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');

describe('toReadableStream: the frames of one tick reach the reader as one chunk', () => {
  it('hands 10 messages emitted in one tick to a waiting reader as one chunk, byte for byte', async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source).getReader();
    const first = reader.read();
    for (let n = 0; n < 10; n++) source.next(message(n));
    const head = (await first).value!;
    const chunks = [head, ...(await readBytes(reader, utf8.encode(frames(0, 10)).byteLength - head.byteLength))];
    expect(chunks.map(asText)).toEqual([frames(0, 10)]);
  });

  it('gives a reader that stalled what waited as one chunk when it reads again', async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source).getReader();
    for (let tick = 0; tick < 3; tick++) {
      for (let n = tick * 5; n < tick * 5 + 5; n++) source.next(message(n));
      await nextTurn();
    }
    // The first tick's chunk sat in the stream; the two later ticks waited in the queue.
    const chunks = await readBytes(reader, utf8.encode(frames(0, 15)).byteLength);
    expect(chunks.map(asText)).toEqual([frames(0, 5), frames(5, 15)]);
  });

  it('hands a long wait on in chunks of at most 64 KiB, every byte once, in order', async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source, { backpressure: { maxBufferBytes: 1024 * 1024 } }).getReader();
    const data = (n: number) => `${n} ${'x'.repeat(1000)}`;
    source.next(message(0, data(0)));
    await nextTurn();
    for (let n = 1; n <= 200; n++) source.next(message(n, data(n)));
    await nextTurn();
    const expected = Array.from({ length: 201 }, (_, n) => frame(n, data(n))).join('');
    const chunks = await readBytes(reader, utf8.encode(expected).byteLength);
    expect(text(chunks)).toBe(expected);
    expect(Math.max(...chunks.map((chunk) => chunk.byteLength))).toBeLessThanOrEqual(64 * 1024);
    // 200 KB waited: joined into 4 chunks after the first, not 200.
    expect(chunks).toHaveLength(5);
  });

  it('does not hold a lone message: it is readable at the end of its tick', async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source).getReader();
    for (let n = 0; n < 3; n++) {
      source.next(message(n));
      const read = await Promise.race([reader.read(), nextTurn().then(() => 'late' as const)]);
      expect(read).not.toBe('late');
      expect(asText((read as ReadableStreamReadResult<Uint8Array>).value!)).toBe(frame(n));
    }
  });

  it("drops the newest frames past the bound under 'drop-newest', the first of the tick kept", async () => {
    const source = new Subject<SseMessage>();
    const stream = toReadableStream(source, { backpressure: { maxBufferBytes: 100, policy: 'drop-newest' } });
    for (let i = 0; i < 50; i++) source.next({ data: String(i).padStart(4, '0') });
    source.complete();
    // 12-byte frames: 8 fit in 100 bytes.
    const ids = [...(await new Response(stream).text()).matchAll(/data: (\d+)/g)].map((match) => Number(match[1]));
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("keeps a stalled reader within the bound across ticks under 'drop-oldest', then hands the newest joined", async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source, {
      backpressure: { maxBufferBytes: 1000, policy: 'drop-oldest' },
    }).getReader();
    // 102-byte frames, one per tick: the first is a chunk in the stream, 8 more fit in the 898 bytes left.
    for (let i = 0; i < 30; i++) {
      source.next({ data: String(i).padStart(94, '0') });
      await nextTurn();
    }
    const chunks = await readBytes(reader, 9 * 102);
    const ids = chunks.map((chunk) => [...asText(chunk).matchAll(/data: (\d+)/g)].map((match) => Number(match[1])));
    expect(ids).toEqual([[0], [22, 23, 24, 25, 26, 27, 28, 29]]);
  });

  it("errors the stream under 'close' when a tick goes past the bound, and writes nothing after", async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source, { backpressure: { maxBufferBytes: 100 } }).getReader();
    for (let i = 0; i < 20; i++) source.next({ data: String(i).padStart(4, '0') });
    expect(source.observed).toBe(false);
    await expect(reader.read()).rejects.toBeInstanceOf(SseSlowClientError);
    await nextTurn();
  });

  it('writes nothing into a stream cancelled in the tick its messages came', async () => {
    const source = new Subject<SseMessage>();
    const reader = toReadableStream(source).getReader();
    source.next(message(0));
    await reader.cancel();
    await nextTurn();
    expect(source.observed).toBe(false);
  });
});

let server: TestServer | undefined;
afterEach(async () => {
  closeReaders();
  await server?.close();
  server = undefined;
});

describe('toResponse over a real socket', () => {
  it('sends the messages of one tick as one HTTP chunk through a node:http adapter', async () => {
    const source = new Subject<SseMessage>();
    let streams = 0;
    server = await listenFetch(() => (streams++, toResponse(source)));
    const reader = readChunks(server.port, '/');
    await until(() => streams === 1 && source.observed);
    const latin1 = (wire: string) => Buffer.from(wire, 'utf8').toString('latin1');
    source.next(message(0));
    await until(() => eventIds(reader) === 1);
    for (let n = 1; n <= 10; n++) source.next(message(n));
    await until(() => eventIds(reader) === 11);
    expect(reader.chunks).toEqual([latin1(frames(0, 1)), latin1(frames(1, 11))]);
  });
});
