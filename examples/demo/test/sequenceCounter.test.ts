import { describe, expect, it } from 'vitest';
import { SequenceCounter } from '../src/browser/sequenceCounter.js';

describe("the page's sequence counter", () => {
  it('counts a run of consecutive numbers as received, nothing lost or duplicated', () => {
    const counter = new SequenceCounter();
    counter.open(1000);
    for (const n of [7, 8, 9]) expect(counter.see(n, 1000 + n)).toEqual({ kind: 'ok' });
    expect(counter.counts).toEqual({ received: 3, reconnects: 0, resumed: 0, lost: 0, duplicated: 0 });
  });

  it('counts the numbers a gap skipped as lost, and a number seen again as duplicated', () => {
    const counter = new SequenceCounter();
    counter.open(0);
    counter.see(1, 1);
    expect(counter.see(4, 2)).toEqual({ kind: 'gap', skipped: 2 });
    expect(counter.see(4, 3)).toEqual({ kind: 'duplicate' });
    expect(counter.see(2, 4)).toEqual({ kind: 'duplicate' });
    expect(counter.see(5, 5)).toEqual({ kind: 'ok' });
    expect(counter.counts).toMatchObject({ received: 5, lost: 2, duplicated: 2 });
  });

  it('counts reconnects, and events made before the connection that delivered them opened as resumed', () => {
    const counter = new SequenceCounter();
    counter.open(100);
    counter.see(1, 150);
    counter.open(500);
    counter.see(2, 200); // made while the client was away: replayed
    counter.see(3, 300);
    counter.see(4, 600); // live
    expect(counter.counts).toMatchObject({ reconnects: 1, resumed: 2, lost: 0, duplicated: 0 });
  });

  it('starts counting afresh after a reset, so the jump that follows is not a gap', () => {
    const counter = new SequenceCounter();
    counter.see(41, 0);
    counter.reset();
    expect(counter.see(1, 0)).toEqual({ kind: 'ok' });
    expect(counter.counts).toMatchObject({ lost: 0, duplicated: 0 });
  });
});
