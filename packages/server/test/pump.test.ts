import { of, Subject, throwError } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { describe, expect, it } from 'vitest';
import { SseSlowClientError } from '../src/index.js';
import { Pump } from '../src/sinks/pump.js';

function connection(room = Infinity) {
  const text: string[] = [];
  const state = { ended: false, aborted: undefined as unknown };
  const utf8 = new TextDecoder();
  let left = room;
  return {
    text,
    state,
    write(frame: Uint8Array) {
      text.push(utf8.decode(frame));
      return --left > 0;
    },
    end: () => (state.ended = true),
    abort: (reason: unknown) => (state.aborted = reason),
    refill: () => (left = room),
  };
}

describe('Pump', () => {
  it('writes encoded messages and ends when the source completes', () => {
    const target = connection();
    const running = new Pump(of({ data: 'a' }, { event: 'x', data: 'b' }), target);
    expect(target.text.join('')).toBe('data: a\n\nevent: x\ndata: b\n\n');
    expect(target.state.ended).toBe(true);
    expect(running.subscription.closed).toBe(true);
  });

  it('sends a generic error event on a source error, never the stack', () => {
    const target = connection();
    new Pump(
      throwError(() => new Error('secret')),
      target,
    );
    expect(target.text.join('')).toBe(
      'event: error\ndata: {"status":500,"message":"Internal error","retryable":true}\n\n',
    );
    expect(target.state.ended).toBe(true);
  });

  it('lets mapError choose the fields', () => {
    const mapped = connection();
    new Pump(
      throwError(() => new Error('gone')),
      mapped,
      { mapError: (e) => ({ status: 410, message: (e as Error).message }) },
    );
    expect(mapped.text.join('')).toBe('event: error\ndata: {"status":410,"message":"gone","retryable":false}\n\n');
  });

  it('skips a message the codec refuses and counts it, without ending the stream', () => {
    const source = new Subject<SseMessage>();
    const target = connection();
    const errors: unknown[] = [];
    const running = new Pump(source, target, { onError: (error) => errors.push(error) });
    source.next({ event: 'a\nid: 1', data: 'x' });
    source.next({ data: 'b' });
    expect(target.text.join('')).toBe('data: b\n\n');
    expect(running.skipped).toBe(1);
    expect(errors).toHaveLength(1);
    expect(source.observed).toBe(true);
  });

  it('ends only after the queued messages are written', () => {
    const source = new Subject<SseMessage>();
    const target = connection(1);
    const running = new Pump(source, target);
    source.next({ data: '1' });
    source.next({ data: '2' });
    source.complete();
    expect(target.state.ended).toBe(false);
    target.refill();
    running.drain();
    expect(target.text.join('')).toBe('data: 1\n\ndata: 2\n\n');
    expect(target.state.ended).toBe(true);
  });

  it('aborts with SseSlowClientError and unsubscribes when the bound is passed', () => {
    const source = new Subject<SseMessage>();
    const target = connection(1);
    new Pump(source, target, { backpressure: { maxBufferBytes: 20 } });
    for (let i = 0; i < 5; i++) source.next({ data: 'xxxxxxxx' });
    expect(target.state.aborted).toBeInstanceOf(SseSlowClientError);
    expect(source.observed).toBe(false);
  });

  it('end stops the source, writes the last message after the queued ones, then ends', () => {
    const source = new Subject<SseMessage>();
    const target = connection(1);
    const running = new Pump(source, target);
    source.next({ data: 'a' });
    source.next({ data: 'b' });
    running.end({ retry: 500 });
    expect(source.observed).toBe(false);
    expect(target.state.ended).toBe(false);
    expect(running.queue.bufferedBytes).toBeGreaterThan(0);
    target.refill();
    running.drain();
    target.refill();
    running.drain();
    expect(target.text.join('')).toBe('data: a\n\ndata: b\n\nretry: 500\n\n');
    expect(target.state.ended).toBe(true);
    running.end({ retry: 1 });
    expect(target.text).toHaveLength(3);
  });
});
