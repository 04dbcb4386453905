import { describe, expect, it } from 'vitest';
import { compareStreamIds, normalizeStreamId } from '../src/streamId.js';

describe('stream ids', () => {
  it('compare numerically, milliseconds first, then sequence', () => {
    const sorted = ['0-0', '0-1', '1-0', '9-0', '9-10', '10-0', '10-9', '100-0', '18446744073709551615-0'];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareStreamIds)).toEqual(sorted);
    expect(compareStreamIds('5-5', '5-5')).toBe(0);
  });

  it('normalize to the form Redis answers with', () => {
    expect(normalizeStreamId('007-0008')).toBe('7-8');
    expect(normalizeStreamId('7')).toBeUndefined();
  });
});
