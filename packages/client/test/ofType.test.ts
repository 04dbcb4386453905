import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fromSse, ofType, type RawSseEvent } from '../src/index.js';

const tick = { type: 'tick', data: '{"n":1}', lastEventId: '' };
const chat = { type: 'chat', data: 'hi', lastEventId: '' };
const other = { type: 'other', data: '', lastEventId: '' };

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('ofType', () => {
  it('keeps only the events of the given types, in order, and mirrors the subscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-a|', { a: tick, b: chat, c: other });
      expectObservable(source.pipe(ofType('tick', 'other'))).toBe('a---c-a|', { a: tick, c: other });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('narrows a typed stream to the members of its union', () => {
    const events$ = fromSse<{ tick: { n: number }; chat: string }>('http://127.0.0.1:1/').pipe(ofType('chat'));
    type Emitted = typeof events$ extends Observable<infer E> ? E : never;
    expectTypeOf<Emitted>().toEqualTypeOf<RawSseEvent<'chat', string>>();
    // @ts-expect-error 'nope' is not an event type of this stream
    ofType<RawSseEvent<'tick'>, 'nope'>('nope');
  });

  it('narrows the type field of an untyped stream', () => {
    const events$ = fromSse('http://127.0.0.1:1/').pipe(ofType('tick'));
    type Emitted = typeof events$ extends Observable<infer E> ? E : never;
    expectTypeOf<Emitted['type']>().toEqualTypeOf<'tick'>();
  });
});
