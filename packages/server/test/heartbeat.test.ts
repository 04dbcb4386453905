import { Subject, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { heartbeat } from '../src/index.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const beat = { comment: '' };
const announced = (intervalMs: number) => ({ comment: `sse-rx heartbeat-ms=${intervalMs}` });

describe('heartbeat', () => {
  it('announces its interval first, on the wire as a comment a native EventSource ignores', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('--|').pipe(heartbeat(15_000))).toBe('h-|', { h: announced(15_000) });
      expectObservable(cold('--|').pipe(heartbeat({ intervalMs: 2500, comment: 'ping' }))).toBe('h-|', {
        h: announced(2500),
      });
    });
  });

  it('sends a comment after every interval of silence', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-----------|');
      expectObservable(source.pipe(heartbeat(3))).toBe('h--b--b--b-|', { h: announced(3), b: beat });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('restarts the timer on every value', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('--a--a--a------|');
      expectObservable(source.pipe(heartbeat(3))).toBe('h-a--a--a--b--b|', { h: announced(3), a: 'a', b: beat });
    });
  });

  it('uses the configured comment text', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-----|').pipe(heartbeat({ intervalMs: 2, comment: 'ping' }))).toBe('h-b-b|', {
        h: announced(2),
        b: { comment: 'ping' },
      });
    });
  });

  it('stops on error and on unsubscribe', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('----#');
      expectObservable(failing.pipe(heartbeat(2))).toBe('h-b-#', { h: announced(2), b: beat });
      const endless = cold('-');
      expectObservable(endless.pipe(heartbeat(2)), '^----!').toBe('h-b-b', { h: announced(2), b: beat });
      expectSubscriptions(endless.subscriptions).toBe('^----!');
    });
  });

  it('schedules nothing after the subscriber unsubscribes on a value', () => {
    scheduler().run(({ flush }) => {
      const source = new Subject<string>();
      const seen: unknown[] = [];
      const subscription = source.pipe(heartbeat(2)).subscribe((value) => {
        seen.push(value);
        if (value === 'a') subscription.unsubscribe();
      });
      source.next('a');
      flush();
      expect(seen).toEqual([announced(2), 'a']);
    });
  });

  it('starts nothing when the subscriber unsubscribes on the announcement', () => {
    scheduler().run(({ flush }) => {
      const source = new Subject<string>();
      const seen: unknown[] = [];
      source.pipe(heartbeat(2), take(1)).subscribe((value) => seen.push(value));
      flush();
      expect(seen).toEqual([announced(2)]);
      expect(source.observed).toBe(false);
    });
  });

  it('refuses a non-positive interval', () => {
    expect(() => heartbeat(0)).toThrow(TypeError);
  });
});
