import { lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { withIds } from '../src/index.js';
import type { SseMessage } from 'sse-rx-codec';

const collect = (source: Observable<SseMessage>) => lastValueFrom(source.pipe(toArray()));

describe('withIds', () => {
  it('numbers events from 1 and leaves comments and retry hints alone', async () => {
    const source = of<SseMessage[]>({ retry: 100 }, { data: 'a' }, { comment: '' }, { data: 'b', id: 'old' });
    expect(await collect(source.pipe(withIds()))).toEqual([
      { retry: 100 },
      { data: 'a', id: '1' },
      { comment: '' },
      { data: 'b', id: '2' },
    ]);
  });

  it('starts from the given number, e.g. to resume after id 41', async () => {
    expect(await collect(of({ data: 'x' }, { data: 'y' }).pipe(withIds({ start: 42 })))).toEqual([
      { data: 'x', id: '42' },
      { data: 'y', id: '43' },
    ]);
  });

  it('takes ids from a function of the message and its index', async () => {
    const ids = withIds({ id: (message, index) => `${message.data}-${index}` });
    expect(await collect(of({ data: 'x' }, { data: 'y' }).pipe(ids))).toEqual([
      { data: 'x', id: 'x-0' },
      { data: 'y', id: 'y-1' },
    ]);
  });

  it('counts separately for every subscription', async () => {
    const numbered = of({ data: 'x' }).pipe(withIds());
    expect(await collect(numbered)).toEqual([{ data: 'x', id: '1' }]);
    expect(await collect(numbered)).toEqual([{ data: 'x', id: '1' }]);
  });

  it('does not change the message it received', async () => {
    const original = { data: 'x' };
    await collect(of(original).pipe(withIds()));
    expect(original).toEqual({ data: 'x' });
  });
});
