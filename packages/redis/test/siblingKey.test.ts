import { describe, expect, it } from 'vitest';
import { siblingKey } from '../src/index.js';

describe('siblingKey', () => {
  it('tags a stream without a hash tag with its whole name, and keeps the tag of one that has it', () => {
    expect(siblingKey('news', 'status')).toBe('{news}:status');
    expect(siblingKey('a{b', 'x')).toBe('{a{b}:x');
    expect(siblingKey('{tenant-7}:news', 'status')).toBe('{tenant-7}:news:status');
    expect(siblingKey('news:{7}', 'status')).toBe('news:{7}:status');
  });

  it('refuses a stream no other key is sure to share a slot with, saying how to name it', () => {
    expect(() => siblingKey('', 'status')).toThrow(TypeError);
    expect(() => siblingKey('a{}b', 'status')).toThrow(/name it with a hash tag, e.g. "\{ab\}"/);
    expect(() => siblingKey('x}y', 'status')).toThrow(TypeError);
  });
});
