import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { heartbeat } from '../src/index.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const beat = { comment: '' };

describe('heartbeat', () => {
  it('sends a comment after every interval of silence', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-----------|');
      expectObservable(source.pipe(heartbeat(3))).toBe('---b--b--b-|', { b: beat });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('restarts the timer on every value', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('--a--a--a------|');
      expectObservable(source.pipe(heartbeat(3))).toBe('--a--a--a--b--b|', { a: 'a', b: beat });
    });
  });

  it('uses the configured comment text', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-----|').pipe(heartbeat({ intervalMs: 2, comment: 'ping' }))).toBe('--b-b|', {
        b: { comment: 'ping' },
      });
    });
  });

  it('stops on error and on unsubscribe', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('----#');
      expectObservable(failing.pipe(heartbeat(2))).toBe('--b-#', { b: beat });
      const endless = cold('-');
      expectObservable(endless.pipe(heartbeat(2)), '^----!').toBe('--b-b', { b: beat });
      expectSubscriptions(endless.subscriptions).toBe('^----!');
    });
  });

  it('schedules nothing after the subscriber unsubscribes on a value', () => {
    scheduler().run(({ flush }) => {
      const source = new Subject<string>();
      const seen: unknown[] = [];
      const subscription = source.pipe(heartbeat(2)).subscribe((value) => {
        seen.push(value);
        subscription.unsubscribe();
      });
      source.next('a');
      flush();
      expect(seen).toEqual(['a']);
    });
  });

  it('refuses a non-positive interval', () => {
    expect(() => heartbeat(0)).toThrow(TypeError);
  });
});
