import { lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  isSseParseError,
  ofType,
  parseJson,
  type ParsedSseEvent,
  type SseEvent,
  type SseEventOf,
} from '../src/index.js';

const event = (type: string, data: string, lastEventId = '') => ({ type, data, lastEventId });

describe('parseJson', () => {
  it('parses each event data as JSON and keeps type and lastEventId', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b|', { a: event('tick', '{"n":1}', '1'), b: event('message', '"hi"', '2') });
        expectObservable(source.pipe(parseJson())).toBe('a-b|', {
          a: { type: 'tick', data: { n: 1 }, lastEventId: '1' },
          b: { type: 'message', data: 'hi', lastEventId: '2' },
        });
        expectSubscriptions(source.subscriptions).toBe('^--!');
      },
    );
  });

  it("fails with an SseParseError holding the raw data with onInvalid: 'error'", async () => {
    const error = await lastValueFrom(of(event('tick', '{not json')).pipe(parseJson({ onInvalid: 'error' }))).catch(
      (e: unknown) => e,
    );
    expect(isSseParseError(error)).toBe(true);
    if (!isSseParseError(error)) return;
    expect([error.data, error.eventType]).toEqual(['{not json', 'tick']);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('by default skips data that is not JSON, reports the SseParseError and goes on', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const values = await lastValueFrom(of(event('a', 'x'), event('b', '2')).pipe(parseJson(), toArray()));
      expect(values).toEqual([{ type: 'b', data: 2, lastEventId: '' }]);
      expect(report).toHaveBeenCalledTimes(1);
      const [reported] = report.mock.calls[0] ?? [];
      expect(isSseParseError(reported) && reported.data).toBe('x');
    } finally {
      report.mockRestore();
    }
  });

  it('hands each bad payload to an onInvalid function and goes on; a throw from it fails the stream', async () => {
    const bad: string[] = [];
    const values = await lastValueFrom(
      of(event('a', 'x'), event('b', '2'), event('c', 'y')).pipe(
        parseJson({ onInvalid: (error) => bad.push(error.data) }),
        toArray(),
      ),
    );
    expect(values.map((v) => v.type)).toEqual(['b']);
    expect(bad).toEqual(['x', 'y']);
    const stop = new Error('stop');
    const thrown = await lastValueFrom(
      of(event('a', 'x'), event('b', '2')).pipe(
        parseJson({
          onInvalid: () => {
            throw stop;
          },
        }),
        toArray(),
      ),
    ).catch((e: unknown) => e);
    expect(thrown).toBe(stop);
  });

  it("skips events that are not JSON silently with onInvalid: 'skip'", async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const values = await lastValueFrom(
        of(event('a', 'x'), event('b', '2')).pipe(parseJson({ onInvalid: 'skip' }), toArray()),
      );
      expect(values).toEqual([{ type: 'b', data: 2, lastEventId: '' }]);
      expect(report).not.toHaveBeenCalled();
    } finally {
      report.mockRestore();
    }
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

  it('types data as T with parseJson<T>(), on an untyped or a typed stream', () => {
    const untyped = of() as Observable<SseEvent>;
    const parsed$ = untyped.pipe(parseJson<{ n: number }>());
    type Emitted = typeof parsed$ extends Observable<infer E> ? E : never;
    expectTypeOf<Emitted>().toEqualTypeOf<ParsedSseEvent<string, { n: number }>>();
    const typed = of() as Observable<SseEventOf<{ tick: { n: number }; chat: string }>>;
    const ticks$ = typed.pipe(ofType('tick'), parseJson<{ n: number; at: string }>());
    type Tick = typeof ticks$ extends Observable<infer E> ? E : never;
    expectTypeOf<Tick>().toEqualTypeOf<ParsedSseEvent<'tick', { n: number; at: string }>>();
  });

  it('leaves data unknown on an untyped stream without T', () => {
    const parsed$ = (of() as Observable<SseEvent>).pipe(parseJson());
    type Emitted = typeof parsed$ extends Observable<infer E> ? E : never;
    expectTypeOf<Emitted['data']>().toEqualTypeOf<unknown>();
  });
});
