import { interval, map, NEVER, of, Subject, throwError } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { describe, expect, it } from 'vitest';
import { SseSlowClientError, toReadableStream } from '../src/index.js';
import { counted } from './helpers.js';

const text = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe('toReadableStream', () => {
  it('encodes every message and closes when the source completes', async () => {
    const stream = toReadableStream(of({ event: 'hello', data: 'world' }, { id: '2', data: '' }));
    expect(await text(stream)).toBe('event: hello\ndata: world\n\nid: 2\ndata: \n\n');
  });

  it('sends an error event then closes on a source error', async () => {
    const stream = toReadableStream(
      throwError(() => new Error('secret')),
      { mapError: () => ({ code: 'FAILED' }) },
    );
    expect(await text(stream)).toBe(
      'event: error\ndata: {"status":500,"code":"FAILED","message":"Internal error","retryable":true}\n\n',
    );
  });

  it('unsubscribes from the source when the reader cancels', async () => {
    const ticks = counted(NEVER);
    const reader = toReadableStream(ticks.source$).getReader();
    expect(ticks.active()).toBe(1);
    await reader.cancel();
    expect(ticks.active()).toBe(0);
  });

  it('holds messages for a reader that does not read, within the bound (the frame in the stream counted), in order', async () => {
    const source = new Subject<SseMessage>();
    const stream = toReadableStream(source, { backpressure: { maxBufferBytes: 100, policy: 'drop-oldest' } });
    for (let i = 0; i < 50; i++) source.next({ data: String(i).padStart(4, '0') });
    source.complete();
    // Each frame is 12 bytes: one sits in the stream and counts toward the bound, so the 7 newest
    // fit in the 88 bytes left (96 bytes held in all).
    const ids = [...(await text(stream)).matchAll(/data: (\d+)/g)].map((match) => Number(match[1]));
    expect(ids).toEqual([0, 43, 44, 45, 46, 47, 48, 49]);
  });

  it("errors the stream with SseSlowClientError and unsubscribes under the 'close' policy", async () => {
    const ticks = counted(interval(1).pipe(map(() => ({ data: 'x'.repeat(100) }))));
    const reader = toReadableStream(ticks.source$, { backpressure: { maxBufferBytes: 1000 } }).getReader();
    await expect(
      (async () => {
        for (let i = 0; i < 50; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          await reader.read();
        }
      })(),
    ).rejects.toBeInstanceOf(SseSlowClientError);
    expect(ticks.active()).toBe(0);
  });
});
