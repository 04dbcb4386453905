import { describe, expect, it } from 'vitest';
import { sseHeaders } from '../src/index.js';

describe('sseHeaders', () => {
  it('includes connection: keep-alive on HTTP/1.x', () => {
    expect(sseHeaders(1)).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
  });

  it('leaves connection out on HTTP/2 and when no version is given', () => {
    expect(sseHeaders(2)).not.toHaveProperty('connection');
    expect(sseHeaders()).not.toHaveProperty('connection');
    expect(sseHeaders(2)['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('returns a fresh object each time', () => {
    expect(sseHeaders(1)).not.toBe(sseHeaders(1));
  });
});
