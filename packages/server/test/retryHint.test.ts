import { lastValueFrom, of, toArray } from 'rxjs';
import { encode } from 'sse-rx-codec';
import { describe, expect, it } from 'vitest';
import { retryHint } from '../src/index.js';

describe('retryHint', () => {
  it('sends one retry message before the source', async () => {
    const messages = await lastValueFrom(of({ data: 'hi' }).pipe(retryHint(5000), toArray()));
    expect(messages).toEqual([{ retry: 5000 }, { data: 'hi' }]);
    expect(messages.map(encode).join('')).toBe('retry: 5000\n\ndata: hi\n\n');
  });

  it('accepts zero', async () => {
    expect(await lastValueFrom(of().pipe(retryHint(0), toArray()))).toEqual([{ retry: 0 }]);
  });

  it('refuses a negative or fractional delay with a TypeError', () => {
    expect(() => retryHint(-1)).toThrow(TypeError);
    expect(() => retryHint(1.5)).toThrow(TypeError);
  });
});
