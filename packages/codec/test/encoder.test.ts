import { describe, expect, it } from 'vitest';
import { encode } from '../src/index.js';
import { decodeText, ev } from './helpers.js';

describe('encode', () => {
  it('writes the fields in a fixed order and ends with a blank line', () => {
    expect(encode({ comment: 'hi', event: 'note', id: '7', retry: 1000, data: 'x' })).toBe(
      ': hi\nevent: note\nid: 7\nretry: 1000\ndata: x\n\n',
    );
  });

  it('splits data on CR, LF and CRLF into several data lines', () => {
    expect(encode({ data: 'a\r\nb\rc\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(decodeText(encode({ data: 'a\r\nb\rc\n' })).events).toEqual([ev('a\nb\nc\n')]);
  });

  it('keeps a leading space and an empty string', () => {
    expect(encode({ data: ' x' })).toBe('data:  x\n\n');
    expect(decodeText(encode({ data: ' x' }) + encode({ data: '' })).events).toEqual([ev(' x'), ev('')]);
  });

  it('writes an empty id and retry 0', () => {
    expect(encode({ id: '' })).toBe('id: \n\n');
    expect(encode({ retry: 0 })).toBe('retry: 0\n\n');
  });

  it('splits a comment with line breaks into several comment lines', () => {
    expect(encode({ comment: 'a\nb\r\nc' })).toBe(': a\n: b\n: c\n\n');
    expect(decodeText(encode({ comment: 'a\ndata: evil' })).events).toEqual([]);
  });

  it.each([
    [{ event: 'a\nb', data: '' }, /event must not contain CR or LF/],
    [{ event: 'a\rb', data: '' }, /event must not contain CR or LF/],
    [{ id: '1\ndata: evil' }, /id must not contain CR or LF/],
    [{ id: 'a\0b' }, /id must not contain NUL/],
    [{ retry: -1 }, /retry must be a non-negative integer/],
    [{ retry: 1.5 }, /retry must be a non-negative integer/],
    [{ retry: Number.NaN }, /retry must be a non-negative integer/],
    [{ event: 'lonely' }, /has no data/],
    [{}, /message is empty/],
    [{ data: { n: 1 } as unknown as string }, /data must be a string, got object: serialise it first/],
    [{ event: 1 as unknown as string, data: '' }, /event must be a string/],
  ])('refuses %j with a TypeError that says what to fix', (message, pattern) => {
    expect(() => encode(message)).toThrow(TypeError);
    expect(() => encode(message)).toThrow(pattern);
  });
});
