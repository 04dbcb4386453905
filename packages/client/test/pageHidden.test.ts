import { describe, expect, it } from 'vitest';
import { pageHidden } from '../src/index.js';

/** A stand-in document whose visibility the test sets, firing `visibilitychange` as a browser does. */
function fakeDocument(visibilityState: string) {
  const document = Object.assign(new EventTarget(), { visibilityState });
  const show = (state: string) => {
    document.visibilityState = state;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  return { document, show };
}

describe('pageHidden', () => {
  it('emits the current visibility on subscription, then each change, without repeats', () => {
    const { document, show } = fakeDocument('hidden');
    const values: boolean[] = [];
    const subscription = pageHidden(document).subscribe((v) => values.push(v));
    show('visible');
    show('visible');
    show('hidden');
    subscription.unsubscribe();
    show('visible'); // no listener left
    expect(values).toEqual([true, false, true]);
  });

  it('emits false once and stays silent where there is no document, as in Node', () => {
    const values: boolean[] = [];
    let completed = false;
    pageHidden().subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    expect(values).toEqual([false]);
    expect(completed).toBe(false);
  });
});
