import { describe, expect, it } from 'vitest';
import { WriteQueue } from '../src/sinks/writeQueue.js';

/** A target that accepts `capacity` frames, then reports full until `take()` empties it. */
function target(capacity: number) {
  const written: number[] = [];
  let room = capacity;
  return {
    written,
    take: () => (room = capacity),
    write(frame: Uint8Array) {
      written.push(frame[0]!);
      return --room > 0;
    },
  };
}
const frame = (tag: number, size = 10) => new Uint8Array(size).fill(tag);

describe('WriteQueue', () => {
  it('writes straight through while the target has room', () => {
    const sink = target(10);
    const queue = new WriteQueue(sink);
    queue.push(frame(1));
    queue.push(frame(2));
    expect(sink.written).toEqual([1, 2]);
    expect(queue.empty).toBe(true);
  });

  it('queues while the target is full and writes the queue in order on drain', () => {
    const sink = target(1);
    const queue = new WriteQueue(sink);
    for (let tag = 1; tag <= 4; tag++) queue.push(frame(tag));
    expect(sink.written).toEqual([1]);
    expect(queue.bufferedBytes).toBe(30);
    sink.take();
    queue.drain();
    expect(sink.written).toEqual([1, 2]);
    sink.take();
    queue.drain();
    sink.take();
    queue.drain();
    expect(sink.written).toEqual([1, 2, 3, 4]);
    expect(queue.empty).toBe(true);
  });

  it('holds at most 128 KiB per client by default, and counts what the target holds in heldBytes', () => {
    const sink = { ...target(1), writableLength: 100 };
    const queue = new WriteQueue(sink);
    expect(queue.maxBufferBytes).toBe(128 * 1024);
    queue.push(frame(1));
    queue.push(frame(2));
    expect(queue.bufferedBytes).toBe(10);
    expect(queue.heldBytes).toBe(110);
    // The bound counts the target's bytes too: 100 + 10 held, so the room left is 128 KiB - 110.
    expect(queue.push(frame(3, 128 * 1024 - 110))).toBe(true);
    expect(queue.push(frame(4, 1))).toBe(false);
  });

  it("keeps a target whose high-water mark is above the bound within it, writing on as it flushes (Node 22+'s 64 KiB)", () => {
    // Never says "full" (a 64 KiB highWaterMark against a 40-byte bound); holds what it was given until flushed.
    const pending: Array<() => void> = [];
    const written: number[] = [];
    let writableLength = 0;
    const sink = {
      callsOnFlushed: true,
      get writableLength() {
        return writableLength;
      },
      write(data: Uint8Array, onFlushed?: () => void) {
        written.push(data[0]!);
        writableLength += data.byteLength;
        pending.push(() => {
          writableLength -= data.byteLength;
          onFlushed?.();
        });
        return true;
      },
    };
    let flushes = 0;
    const queue = new WriteQueue(sink, { maxBufferBytes: 40, policy: 'drop-oldest' }, { flushed: () => flushes++ });
    for (let tag = 1; tag <= 6; tag++) expect(queue.push(frame(tag))).toBe(true);
    // The target takes frames while they and one more fit (20 + 10 + 10 <= 40), the queue the newest
    // in the 10 bytes left, the older ones are dropped: never more than the bound held.
    expect(written).toEqual([1, 2, 3]);
    expect(queue.heldBytes).toBeLessThanOrEqual(40);
    expect(queue.dropped).toBe(2);
    // Each flush lets the queue write on, in order, and reports it.
    while (pending.length > 0 && flushes < 10) pending.shift()!();
    expect(written).toEqual([1, 2, 3, 6]);
    expect(queue.empty).toBe(true);
    expect(flushes).toBe(4);
  });

  it("refuses a frame over the bound under the default 'close' policy", () => {
    const queue = new WriteQueue(target(1), { maxBufferBytes: 25 });
    expect(queue.push(frame(1))).toBe(true);
    expect(queue.push(frame(2))).toBe(true);
    expect(queue.push(frame(3))).toBe(true);
    expect(queue.push(frame(4))).toBe(false);
    expect(queue.bufferedBytes).toBeLessThanOrEqual(25);
  });

  it("discards the oldest waiting frames under 'drop-oldest'", () => {
    const sink = target(1);
    const queue = new WriteQueue(sink, { maxBufferBytes: 20, policy: 'drop-oldest' });
    for (let tag = 1; tag <= 6; tag++) expect(queue.push(frame(tag))).toBe(true);
    expect(queue.bufferedBytes).toBe(20);
    expect(queue.dropped).toBe(3);
    sink.take();
    queue.drain();
    sink.take();
    queue.drain();
    expect(sink.written).toEqual([1, 5, 6]);
  });

  it("discards the new frame under 'drop-newest'", () => {
    const sink = target(1);
    const queue = new WriteQueue(sink, { maxBufferBytes: 20, policy: 'drop-newest' });
    for (let tag = 1; tag <= 6; tag++) queue.push(frame(tag));
    expect(queue.dropped).toBe(3);
    sink.take();
    queue.drain();
    sink.take();
    queue.drain();
    expect(sink.written).toEqual([1, 2, 3]);
  });

  it('never holds more than the bound, even with a frame larger than the bound', () => {
    const queue = new WriteQueue(target(1), { maxBufferBytes: 100, policy: 'drop-oldest' });
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      queue.push(frame(i % 256, 1 + (i % 150)));
      most = Math.max(most, queue.bufferedBytes);
    }
    expect(most).toBeLessThanOrEqual(100);
  });

  it('counts the bytes the target still holds toward the bound', () => {
    // A target that is full at once and already holds 15 bytes of its own (as Node's writableLength would).
    const sink = { ...target(1), writableLength: 15 };
    const closing = new WriteQueue(sink, { maxBufferBytes: 40 });
    expect(closing.push(frame(1))).toBe(true);
    expect(closing.push(frame(2))).toBe(true);
    expect(closing.push(frame(3))).toBe(true);
    // 15 held + 20 queued + 10 would pass 40: the policy applies although the queue alone has room.
    expect(closing.push(frame(4))).toBe(false);
    const dropping = new WriteQueue(
      { ...target(1), writableLength: 15 },
      { maxBufferBytes: 40, policy: 'drop-oldest' },
    );
    for (let tag = 1; tag <= 6; tag++) dropping.push(frame(tag));
    expect(dropping.bufferedBytes).toBe(20);
    expect(dropping.dropped).toBe(3);
  });

  it('drops a frame that cannot fit beside what the target holds, under a drop policy', () => {
    const sink = { ...target(1), writableLength: 35 };
    const queue = new WriteQueue(sink, { maxBufferBytes: 40, policy: 'drop-oldest' });
    queue.push(frame(1));
    queue.push(frame(2));
    expect(queue.bufferedBytes).toBe(0);
    expect(queue.dropped).toBe(1);
  });
});
