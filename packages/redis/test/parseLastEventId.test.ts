import { describe, expect, it } from 'vitest';
import { parseLastEventId, SseResumeError } from '../src/index.js';

describe('parseLastEventId', () => {
  it('returns undefined for a missing or empty id', () => {
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
  });

  it('returns the canonical stream id, leading zeros removed', () => {
    expect(parseLastEventId('1700000000000-0')).toBe('1700000000000-0');
    expect(parseLastEventId('0001700000000000-07')).toBe('1700000000000-7');
    expect(parseLastEventId('18446744073709551615-18446744073709551615')).toBe(
      '18446744073709551615-18446744073709551615',
    );
  });

  it('throws a malformed-id SseResumeError with status 400 for anything else', () => {
    for (const bad of ['42', 'abc', '1-2-3', '-1-0', ' 1-0', '1-0\n', '1.5-0', '18446744073709551616-0']) {
      expect(() => parseLastEventId(bad), bad).toThrow(SseResumeError);
    }
    let error: unknown;
    try {
      parseLastEventId('x'.repeat(1000));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ name: 'SseResumeError', type: 'malformed-id', status: 400, firstId: undefined });
    expect((error as SseResumeError).lastEventId).toHaveLength(256);
    expect((error as SseResumeError).message).toMatch(/answer 400/);
  });
});
