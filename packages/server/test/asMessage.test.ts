import { lastValueFrom, of, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { asMessage } from '../src/index.js';

const collect = <T>(source: import('rxjs').Observable<T>) => lastValueFrom(source.pipe(toArray()));

describe('asMessage', () => {
  it('passes strings through as data and serialises other values as JSON', async () => {
    expect(await collect(of('hi', { a: 1 }, 42, null).pipe(asMessage()))).toEqual([
      { data: 'hi' },
      { data: '{"a":1}' },
      { data: '42' },
      { data: 'null' },
    ]);
  });

  it('sends a value JSON cannot represent as null instead of failing', async () => {
    expect(await collect(of(undefined).pipe(asMessage()))).toEqual([{ data: 'null' }]);
  });

  it('takes the event type and the id from property names', async () => {
    const values = of({ kind: 'tick', seq: 7 });
    expect(await collect(values.pipe(asMessage({ event: 'kind', id: 'seq' })))).toEqual([
      { data: '{"kind":"tick","seq":7}', event: 'tick', id: '7' },
    ]);
  });

  it('takes the event type and the id from functions, and leaves out undefined fields', async () => {
    const values = of(1, 2);
    const messages = await collect(
      values.pipe(asMessage({ event: (n) => (n === 1 ? 'one' : undefined), id: (n) => n * 10 })),
    );
    expect(messages).toEqual([
      { data: '1', event: 'one', id: '10' },
      { data: '2', id: '20' },
    ]);
  });

  it('uses a custom serializer for data', async () => {
    expect(await collect(of({ a: 1 }).pipe(asMessage({ serialize: (v) => `a=${v.a}` })))).toEqual([{ data: 'a=1' }]);
  });

  it('turns a throwing serializer into an error of the stream', async () => {
    const failing = of(1).pipe(
      asMessage({
        serialize: () => {
          throw new Error('boom');
        },
      }),
    );
    await expect(collect(failing)).rejects.toThrow('boom');
  });

  it('forwards source errors', async () => {
    await expect(collect(throwError(() => new Error('down')).pipe(asMessage()))).rejects.toThrow('down');
  });
});
