import { asyncScheduler, concat, filter, subscribeOn, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, type EventStore } from '../src/index.js';
import { eventStoreContract } from '../src/testing.js';

describe('eventStoreContract on createMemoryStore', () => {
  const cases = eventStoreContract(({ maxEvents }) => createMemoryStore({ maxEvents }), {
    resetIds: {
      epoch: (_store, newestId) => newestId.replace(/^[0-9a-z]+/, 'beforerestart'),
      unknown: () => createMemoryStore().append({ data: 'in another store' }),
      future: (_store, newestId) => newestId.replace(/\d+$/, (seq) => String(Number(seq) + 10)),
    },
  });

  it('has a case for every reset reason the memory store gives', () => {
    expect(cases.map((c) => c.name).filter((name) => name.includes('id with a reset'))).toHaveLength(5);
  });
  for (const check of cases) it(check.name, () => check.run());
});

describe('eventStoreContract catches a broken store', () => {
  // Each store breaks one rule; the named case must fail on it.
  const broken: Array<[string, string, (store: EventStore) => EventStore]> = [
    [
      'one that resolves a refused message',
      'rejects a message the codec refuses',
      (store) => ({ ...store, append: (message) => store.append(message).catch(() => '') }),
    ],
    [
      'one that drops its resets',
      'answers a trimmed id',
      (store) => ({ ...store, stream: (id) => store.stream(id).pipe(filter((m) => m.event !== 'reset')) }),
    ],
    [
      'one that subscribes late (a gap)',
      'without an id',
      (store) => ({ ...store, stream: (id) => store.stream(id).pipe(subscribeOn(asyncScheduler)) }),
    ],
    [
      'one that sends the first replayed event twice',
      'replays the events after an id',
      (store) => ({ ...store, stream: (id) => concat(store.stream(id).pipe(take(1)), store.stream(id)) }),
    ],
  ];
  for (const [what, name, breakIt] of broken) {
    it(`fails "${name}" on ${what}`, async () => {
      const cases = eventStoreContract(({ maxEvents }) => breakIt(createMemoryStore({ maxEvents })), {
        timeoutMs: 300,
      });
      await expect(cases.find((c) => c.name.startsWith(name))!.run()).rejects.toThrow();
    });
  }
});
