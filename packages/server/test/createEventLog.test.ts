import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventLog } from '../src/index.js';

const data = (messages: SseMessage[]) =>
  messages.map((message) => `${message.id ?? '-'}:${message.data ?? message.comment}`);

function setup(config?: Parameters<typeof createEventLog>[1]) {
  const source = new Subject<SseMessage>();
  const log = createEventLog(source, config);
  const publish = (...texts: string[]) => {
    for (const text of texts) source.next({ data: text });
  };
  return { source, log, publish };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createEventLog', () => {
  it('numbers events from 1 and broadcasts them to every client', () => {
    const { log, publish } = setup();
    const a: SseMessage[] = [];
    const b: SseMessage[] = [];
    log.stream().subscribe((m) => a.push(m));
    log.stream().subscribe((m) => b.push(m));
    publish('x', 'y');
    expect(data(a)).toEqual(['1:x', '2:y']);
    expect(b).toEqual(a);
    expect(log.lastId).toBe('2');
  });

  it('replays what a client missed after its last event id, then continues live', () => {
    const { log, publish } = setup();
    publish('a', 'b', 'c');
    const seen: SseMessage[] = [];
    log.stream('1').subscribe((m) => seen.push(m));
    publish('d');
    expect(data(seen)).toEqual(['2:b', '3:c', '4:d']);
  });

  it('sends nothing old to a client that is up to date', () => {
    const { log, publish } = setup();
    publish('a', 'b');
    const seen: SseMessage[] = [];
    log.stream('2').subscribe((m) => seen.push(m));
    publish('c');
    expect(data(seen)).toEqual(['3:c']);
  });

  it('has no gap and no duplicate when events are published during the replay', () => {
    const { log, publish } = setup();
    publish('a', 'b', 'c');
    const seen: SseMessage[] = [];
    log.stream('0').subscribe((m) => {
      seen.push(m);
      // Every replayed event makes the handler publish one more, until 6 in all.
      if (Number(m.id) < 4) publish(`echo-${m.id}`);
    });
    publish('last');
    expect(data(seen)).toEqual(['1:a', '2:b', '3:c', '4:echo-1', '5:echo-2', '6:echo-3', '7:last']);
  });

  it('serves many clients resuming from different ids while publishing goes on', () => {
    const { log, publish } = setup({ size: 500 });
    const clients: SseMessage[][] = [];
    for (let i = 0; i < 300; i++) {
      publish(`e${i}`);
      const seen: SseMessage[] = [];
      clients.push(seen);
      log.stream(String(Math.max(0, i - (i % 7)))).subscribe((m) => seen.push(m));
    }
    publish('end');
    for (const seen of clients) {
      const ids = seen.map((m) => Number(m.id));
      expect(ids.at(-1)).toBe(301);
      expect(ids).toEqual(ids.map((_, k) => ids[0]! + k));
    }
  });

  it('sends a reset event and calls onReset for an id that is too old or unknown', () => {
    const resets: string[] = [];
    const { log, publish } = setup({ size: 2, onReset: (id) => resets.push(id) });
    publish('a', 'b', 'c', 'd');
    const old: SseMessage[] = [];
    log.stream('1').subscribe((m) => old.push(m));
    const unknown: SseMessage[] = [];
    log.stream('not-ours').subscribe((m) => unknown.push(m));
    expect(old).toEqual([{ event: 'reset', data: '{"lastEventId":"1"}', id: '4' }]);
    expect(unknown).toEqual([{ event: 'reset', data: '{"lastEventId":"not-ours"}', id: '4' }]);
    expect(resets).toEqual(['1', 'not-ours']);
    // The oldest kept id still resumes.
    const kept: SseMessage[] = [];
    log.stream('2').subscribe((m) => kept.push(m));
    expect(data(kept)).toEqual(['3:c', '4:d']);
  });

  it('forgets events older than ttlMs', () => {
    vi.useFakeTimers();
    const { log, publish } = setup({ ttlMs: 1000 });
    publish('a');
    vi.advanceTimersByTime(600);
    publish('b');
    vi.advanceTimersByTime(600);
    const seen: SseMessage[] = [];
    log.stream('1').subscribe((m) => seen.push(m));
    expect(data(seen)).toEqual(['2:b']);
    const tooOld: SseMessage[] = [];
    log.stream('0').subscribe((m) => tooOld.push(m));
    expect(tooOld[0]?.event).toBe('reset');
  });

  it('broadcasts comments live without numbering or keeping them', () => {
    const { log, source, publish } = setup();
    const seen: SseMessage[] = [];
    log.stream().subscribe((m) => seen.push(m));
    source.next({ comment: 'ping' });
    publish('a');
    expect(seen).toEqual([{ comment: 'ping' }, { data: 'a', id: '1' }]);
  });

  it('counts the clients streaming right now', () => {
    const { log } = setup();
    const counts: number[] = [];
    log.clients$.subscribe((n) => counts.push(n));
    const one = log.stream().subscribe();
    const two = log.stream().subscribe();
    one.unsubscribe();
    two.unsubscribe();
    expect(counts).toEqual([0, 1, 2, 1, 0]);
  });

  it('completes every client on close and on source completion', () => {
    const { log } = setup();
    let completed = 0;
    log.stream().subscribe({ complete: () => completed++ });
    log.close();
    expect(completed).toBe(1);
  });

  it('still replays the backlog to a client that comes back after the source completed', () => {
    const { log, source, publish } = setup();
    publish('a', 'b');
    source.complete();
    const seen: SseMessage[] = [];
    let completed = false;
    log.stream('1').subscribe({ next: (m) => seen.push(m), complete: () => (completed = true) });
    expect(data(seen)).toEqual(['2:b']);
    expect(completed).toBe(true);
  });

  it('answers a huge or malformed id with a reset, never with the whole backlog', () => {
    const { log, publish } = setup();
    publish('a', 'b', 'c');
    for (const id of [
      '9'.repeat(100_000),
      'x'.repeat(100_000),
      '-1',
      '1e2',
      '0x1',
      ' 1',
      '1\n2',
      '\u0000',
      'NaN',
      'Infinity',
    ]) {
      const got: SseMessage[] = [];
      log
        .stream(id)
        .subscribe((message) => got.push(message))
        .unsubscribe();
      expect(got).toHaveLength(1);
      const echoed = id.length > 64 ? `${id.slice(0, 64)}…` : id;
      expect(got[0]).toEqual({ event: 'reset', data: JSON.stringify({ lastEventId: echoed }), id: '3' });
    }
  });

  it('echoes at most 64 characters of the id in the reset, and never half a surrogate pair', () => {
    const resets: string[] = [];
    const { log, publish } = setup({ onReset: (id) => resets.push(id) });
    publish('a');
    const huge = 'y'.repeat(1_000_000);
    const pair = `${'z'.repeat(63)}😀tail`;
    const echoed = [huge, pair, 'q'.repeat(64)].map((id) => {
      let data = '';
      log
        .stream(id)
        .subscribe((message) => (data = message.data ?? ''))
        .unsubscribe();
      return (JSON.parse(data) as { lastEventId: string }).lastEventId;
    });
    expect(echoed).toEqual([`${'y'.repeat(64)}…`, `${'z'.repeat(63)}…`, 'q'.repeat(64)]);
    // The server's own hook still sees the whole id.
    expect(resets.map((id) => id.length)).toEqual([1_000_000, 69, 64]);
  });
});
