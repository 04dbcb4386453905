import { describe, expect, it } from 'vitest';
import { backOnline } from '../src/index.js';

describe('backOnline', () => {
  it('emits on each online event, not on offline ones, and stops listening on unsubscribe', () => {
    const target = new EventTarget();
    let count = 0;
    const subscription = backOnline(target).subscribe(() => count++);
    target.dispatchEvent(new Event('offline'));
    target.dispatchEvent(new Event('online'));
    target.dispatchEvent(new Event('online'));
    subscription.unsubscribe();
    target.dispatchEvent(new Event('online'));
    expect(count).toBe(2);
  });

  it('never emits nor completes where nothing fires online events, as in Node', () => {
    let emitted = false;
    const subscription = backOnline().subscribe({ next: () => (emitted = true), complete: () => (emitted = true) });
    expect(emitted).toBe(false);
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
  });
});
