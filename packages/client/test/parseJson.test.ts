import { lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isSseParseError, ofType, parseJson, type ParsedSseEvent, type SseEventOf } from '../src/index.js';

const event = (type: string, data: string, lastEventId = '') => ({ type, data, lastEventId });

describe('parseJson', () => {
  it('parses each event data as JSON and keeps type and lastEventId', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b|', { a: event('tick', '{"n":1}', '1'), b: event('message', '"hi"', '2') });
      expectObservable(source.pipe(parseJson())).toBe('a-b|', {
        a: { type: 'tick', data: { n: 1 }, lastEventId: '1' },
        b: { type: 'message', data: 'hi', lastEventId: '2' },
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('fails with an SseParseError holding the raw data when data is not JSON', async () => {
    const error = await lastValueFrom(of(event('tick', '{not json')).pipe(parseJson())).catch((e: unknown) => e);
    expect(isSseParseError(error)).toBe(true);
    if (!isSseParseError(error)) return;
    expect([error.data, error.eventType]).toEqual(['{not json', 'tick']);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("skips events that are not JSON with onInvalid: 'skip'", async () => {
    const values = await lastValueFrom(of(event('a', 'x'), event('b', '2')).pipe(parseJson({ onInvalid: 'skip' }), toArray()));
    expect(values).toEqual([{ type: 'b', data: 2, lastEventId: '' }]);
  });

  it('gives data the type of the event map', () => {
    const source = of() as Observable<SseEventOf<{ tick: { n: number }; chat: string }>>;
    const parsed$ = source.pipe(parseJson());
    type Emitted = typeof parsed$ extends Observable<infer E> ? E : never;
    expectTypeOf<Emitted>().toEqualTypeOf<ParsedSseEvent<'tick', { n: number }> | ParsedSseEvent<'chat', string>>();
    const ticks$ = source.pipe(ofType('tick'), parseJson());
    type Tick = typeof ticks$ extends Observable<infer E> ? E : never;
    expectTypeOf<Tick['data']>().toEqualTypeOf<{ n: number }>();
  });
});
