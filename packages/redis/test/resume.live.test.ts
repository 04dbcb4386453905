import { BehaviorSubject, Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { describe, expect, it, vi } from 'vitest';
import { resume } from '../src/resume.js';

const entry = (n: number): SseMessage => ({ id: `${n}-0`, data: `event ${n}` });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume: the hand-over from replay to live', () => {
  it('skips live entries the replay already sent while the read loop lags behind it, then passes every later one on once', async () => {
    const live$ = new Subject<SseMessage>();
    // The stream holds 1..30; the client had 5; the read loop has only reached 12 when the replay is done.
    const pages = new Map([['5-0', range(6, 30).map(entry)]]);
    const got: string[] = [];
    const subscription = resume({
      live$,
      ready$: new BehaviorSubject(true),
      plan: async () => ({ reset: false }),
      readPage: async (afterId) => pages.get(afterId) ?? [],
      start: async () => '5-0',
      lastEventId: '5-0',
    }).subscribe((message) => got.push(message.id as string));
    for (const n of range(6, 12)) live$.next(entry(n)); // buffered during the replay
    await vi.waitFor(() => expect(got.at(-1)).toBe('30-0'));
    // The loop catches up: 13..30 were replayed already, 31.. are new.
    for (const n of range(13, 40)) live$.next(entry(n));
    subscription.unsubscribe();
    expect(got).toEqual(range(6, 40).map((n) => `${n}-0`));
  });
});
