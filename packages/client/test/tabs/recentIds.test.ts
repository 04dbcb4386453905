import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/tabs/recentIds.js';

describe('RecentIds', () => {
  it('says repeat exactly for an id one of the last 256 recorded ids came with from another connection', () => {
    const delivery = fc.record({
      id: fc.integer({ min: 0, max: 300 }).map(String),
      source: fc.constantFrom('a', 'b', 'c'),
    });
    fc.assert(
      fc.property(fc.array(delivery, { maxLength: 2000 }), (deliveries) => {
        const recent = new RecentIds();
        // The model: recorded ids in order of their last recording, each with its source.
        const model: { id: string; source: string }[] = [];
        for (const { id, source } of deliveries) {
          const known = model.find((entry) => entry.id === id);
          const repeat = known !== undefined && known.source !== source;
          expect(recent.repeats(id, source)).toBe(repeat);
          if (repeat) continue;
          if (known) model.splice(model.indexOf(known), 1);
          model.push({ id, source });
          if (model.length > 256) model.shift();
        }
      }),
      { numRuns: 50 },
    );
  });
});
