import { lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { isSseValidationError, validate, type StandardSchemaV1 } from '../src/index.js';

const Tick = z.object({ n: z.number() });
const event = (data: unknown) => ({ type: 'tick', data, lastEventId: '9' });

describe('validate', () => {
  it('replaces data with the output of a zod schema', async () => {
    const values = await lastValueFrom(of(event({ n: 1, extra: true })).pipe(validate(Tick), toArray()));
    expect(values).toEqual([{ type: 'tick', data: { n: 1 }, lastEventId: '9' }]);
  });

  it("fails with an SseValidationError carrying the data and the issues with onInvalid: 'error'", async () => {
    const error = await lastValueFrom(of(event({ n: 'x' })).pipe(validate(Tick, { onInvalid: 'error' }))).catch(
      (e: unknown) => e,
    );
    expect(isSseValidationError(error)).toBe(true);
    if (!isSseValidationError(error)) return;
    expect(error.data).toEqual({ n: 'x' });
    expect(error.eventType).toBe('tick');
    expect(error.issues[0]?.path).toEqual(['n']);
  });

  it('by default skips an invalid event, reports its SseValidationError and goes on', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const values = await lastValueFrom(of(event({ n: 'x' }), event({ n: 2 })).pipe(validate(Tick), toArray()));
      expect(values.map((v) => v.data.n)).toEqual([2]);
      const [reported] = report.mock.calls[0] ?? [];
      expect(isSseValidationError(reported) && reported.issues[0]?.path).toEqual(['n']);
    } finally {
      report.mockRestore();
    }
  });

  it('hands an invalid event to an onInvalid function and goes on', async () => {
    const bad: unknown[] = [];
    const values = await lastValueFrom(
      of(event({ n: 'x' }), event({ n: 2 })).pipe(validate(Tick, { onInvalid: (e) => bad.push(e.data) }), toArray()),
    );
    expect(values.map((v) => v.data.n)).toEqual([2]);
    expect(bad).toEqual([{ n: 'x' }]);
  });

  it("skips invalid events with onInvalid: 'skip'", async () => {
    const values = await lastValueFrom(
      of(event({ n: 'x' }), event({ n: 2 })).pipe(validate(Tick, { onInvalid: 'skip' }), toArray()),
    );
    expect(values.map((v) => v.data.n)).toEqual([2]);
  });

  it('keeps event order with an async schema', async () => {
    const slowFirst: StandardSchemaV1<unknown, number> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) =>
          new Promise((resolve) => setTimeout(() => resolve({ value: Number(value) }), value === 1 ? 30 : 0)),
      },
    };
    const values = await lastValueFrom(of(event(1), event(2)).pipe(validate(slowFirst), toArray()));
    expect(values.map((v) => v.data)).toEqual([1, 2]);
  });

  it('types data as the schema output', () => {
    const out$ = of(event({})).pipe(validate(Tick));
    type Emitted = typeof out$ extends Observable<infer E> ? E : never;
    expectTypeOf<Emitted['data']>().toEqualTypeOf<{ n: number }>();
  });
});
