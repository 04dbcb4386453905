import { describe, expect, it } from 'vitest';
import { networkOffline } from '../src/index.js';

describe('networkOffline', () => {
  it('starts from navigator.onLine, then follows offline and online events', () => {
    const target = Object.assign(new EventTarget(), { navigator: { onLine: false } });
    const values: boolean[] = [];
    const subscription = networkOffline(target).subscribe((v) => values.push(v));
    target.dispatchEvent(new Event('online'));
    target.dispatchEvent(new Event('online'));
    target.dispatchEvent(new Event('offline'));
    subscription.unsubscribe();
    target.dispatchEvent(new Event('online'));
    expect(values).toEqual([true, false, true]);
  });

  it('emits false once where nothing fires these events, as in Node', () => {
    const values: boolean[] = [];
    networkOffline().subscribe((v) => values.push(v));
    expect(values).toEqual([false]);
  });
});
