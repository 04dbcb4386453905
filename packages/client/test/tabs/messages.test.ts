import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSseHttpError, isSseServerError, SseHttpError, SseServerError, SseStallError } from '../../src/index.js';
import { errorFromWire, errorToWire, stateFromWire, stateToWire } from '../../src/tabs/messages.js';

/** What another tab receives: the message through the structured clone a BroadcastChannel applies. */
const acrossTabs = (error: unknown) => errorFromWire(structuredClone(errorToWire(error)));
const resume = fc.record({ lastEventId: fc.string(), retryMs: fc.option(fc.nat(), { nil: undefined }) });

describe('tab messages', () => {
  it('an SseServerError crosses with its name, message and fields: the guard still knows it', () => {
    fc.assert(
      fc.property(
        fc.record({
          status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
          code: fc.option(fc.string(), { nil: undefined }),
          message: fc.string(),
          retryable: fc.boolean(),
        }),
        resume,
        (report, state) => {
          const copy = acrossTabs(new SseServerError(report, state));
          expect(isSseServerError(copy)).toBe(true);
          expect(copy).toMatchObject({ ...report, ...state, name: 'SseServerError' });
        },
      ),
    );
  });

  it('an SseHttpError crosses with status, code, serverMessage and bodySnippet; response and headers stay behind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), fc.string(), fc.string(), resume, (status, code, text, state) => {
        const body = JSON.stringify({ status, code, message: text });
        const original = new SseHttpError('HTTP failed', new Response(body, { status }), body, state);
        const copy = acrossTabs(original);
        expect(isSseHttpError(copy)).toBe(true);
        expect(copy).toMatchObject({
          status,
          code,
          serverMessage: text,
          bodySnippet: body,
          ...state,
          message: 'HTTP failed',
        });
        expect(copy).not.toHaveProperty('response');
        expect(copy).not.toHaveProperty('headers');
      }),
    );
  });

  it('anything else thrown crosses as an Error with its text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), (thrown) => {
        const copy = acrossTabs(thrown);
        expect(copy).toBeInstanceOf(Error);
        expect(copy.message).toBe(String(thrown));
      }),
    );
  });

  it('a reconnecting state crosses with its attempt, delay and error; other states as they are', () => {
    const error = new SseStallError('No data for 45000 ms', { lastEventId: '7', retryMs: undefined });
    const copy = stateFromWire(
      structuredClone(stateToWire({ status: 'reconnecting', attempt: 2, delayMs: 1500, error })),
    );
    expect(copy).toMatchObject({ status: 'reconnecting', attempt: 2, delayMs: 1500 });
    expect(copy.status === 'reconnecting' && copy.error).toMatchObject({ name: 'SseStallError', lastEventId: '7' });
    expect(stateFromWire(structuredClone(stateToWire({ status: 'open' })))).toEqual({ status: 'open' });
  });
});
