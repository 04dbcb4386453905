import { describe, expect, it } from 'vitest';
import { httpStatusOf } from '../src/sinks/httpStatusOf.js';

describe('httpStatusOf', () => {
  it('reads an integer status from 400 to 599', () => {
    expect(httpStatusOf(Object.assign(new Error('x'), { status: 404 }))).toBe(404);
    expect(httpStatusOf({ status: 503 })).toBe(503);
  });

  it('ignores anything else', () => {
    for (const error of [
      new Error('x'),
      { status: 200 },
      { status: 600 },
      { status: '404' },
      { status: 404.5 },
      null,
      undefined,
      'x',
    ])
      expect(httpStatusOf(error)).toBeUndefined();
  });
});
