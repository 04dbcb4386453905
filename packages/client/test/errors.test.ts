import { isSseError } from 'sse-rx-codec';
import { describe, expect, it } from 'vitest';
import {
  isSseHttpError,
  isSseNetworkError,
  isSseParseError,
  isSseValidationError,
  SseHttpError,
  SseNetworkError,
  SseParseError,
  SseValidationError,
} from '../src/index.js';

const state = { lastEventId: '4', retryMs: 100 };

describe('errors', () => {
  it('are sse-rx errors with their own name and the resume state of the connection', () => {
    const error = new SseHttpError('HTTP 502', new Response(null, { status: 502 }), 'bad gateway', state);
    expect(error.name).toBe('SseHttpError');
    expect(isSseError(error)).toBe(true);
    expect([error.status, error.bodySnippet, error.lastEventId, error.retryMs]).toEqual([502, 'bad gateway', '4', 100]);
  });

  it('keep the original error as cause', () => {
    const cause = new TypeError('fetch failed');
    expect(new SseNetworkError('down', state, { cause }).cause).toBe(cause);
  });

  it('are recognised by their guards, also as copies from another realm', () => {
    const foreign = Object.assign(new Error('x'), { name: 'SseHttpError' });
    expect(isSseHttpError(foreign)).toBe(true);
    expect(isSseNetworkError(new SseNetworkError('down', state))).toBe(true);
    expect(isSseParseError(new SseParseError('bad', '{', 'tick'))).toBe(true);
    expect(isSseValidationError(new SseValidationError('bad', 1, 'tick', []))).toBe(true);
    expect(isSseHttpError(new SseNetworkError('down', state))).toBe(false);
    expect(isSseParseError(new Error('x'))).toBe(false);
  });
});
