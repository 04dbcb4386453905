import assert from 'node:assert/strict';
import { type Observable, type Subscription, take } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { EventStore, ResetReason } from './eventStore.js';

/**
 * One check of {@link eventStoreContract}: run it from any test framework; it rejects with an
 * `AssertionError` (or a timeout `Error`) that says what the store did wrong.
 * @public
 */
export interface EventStoreContractCase {
  /** What the store must do, as a sentence (use it as the test's name). */
  name: string;
  /** Makes a fresh store, checks it, and closes it (its `close()`, when it has one). */
  run(): Promise<void>;
}

/**
 * Makes a fresh, empty store for one case. It must keep at most `maxEvents` events (the suite
 * checks the `trimmed` reset with a small number). A store with a `close()` method is closed at the
 * end of the case.
 * @public
 */
export type MakeEventStore = (config: { maxEvents: number }) => EventStore | Promise<EventStore>;

/**
 * Options of {@link eventStoreContract}.
 * @public
 */
export interface EventStoreContractConfig {
  /**
   * A `Last-Event-ID` this store must answer with a reset of the given reason, for the reasons
   * the store can produce besides `trimmed` (always checked, via `maxEvents`) and `malformed`
   * (checked with a 100-character id that holds spaces, unless given here). Each function gets a
   * store holding six events and its newest id: e.g. `future: (store, newestId) => ...`.
   * @default {} (only `trimmed` and `malformed` are checked)
   */
  resetIds?: { [R in ResetReason]?: (store: EventStore, newestId: string) => string | Promise<string> };
  /**
   * How long the suite waits for a message it expects before it fails the case, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number;
}

/**
 * The behaviour every {@link EventStore} must have, as test cases that do not depend on a test
 * framework: ids from `append`; replay after an id then live, with no gap and no duplicate, also
 * while events are appended and from inside a client's handler; a reset (exact `event`, `data`
 * and `id`) for each id the store cannot serve; a message the codec refuses rejected with a
 * `TypeError` and never sent; several clients; unsubscribing. Run it against your own store.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { createMemoryStore } from 'sse-rx-server';
 * import { eventStoreContract } from 'sse-rx-server/testing';
 * describe('my store', () => {
 *   for (const check of eventStoreContract(({ maxEvents }) => createMemoryStore({ maxEvents }))) {
 *     it(check.name, () => check.run());
 *   }
 * });
 * // ✓ append resolves with distinct ids that are valid SSE ids ...
 * ```
 * @param makeStore - makes a fresh, empty store; see {@link MakeEventStore}.
 * @param config - the ids that must get each reset, and the wait bound; see {@link EventStoreContractConfig}.
 * @returns the cases, each with a `name` and a `run()` that rejects when the store breaks the contract.
 * @public
 */
export function eventStoreContract(
  makeStore: MakeEventStore,
  config: EventStoreContractConfig = {},
): EventStoreContractCase[] {
  const timeoutMs = config.timeoutMs ?? 5000;
  const check = (name: string, maxEvents: number, body: (run: Run) => Promise<void>): EventStoreContractCase => ({
    name,
    run: async () => {
      const run = new Run(await makeStore({ maxEvents }), timeoutMs);
      try {
        await body(run);
      } finally {
        await run.close();
      }
    },
  });
  const resets = { ...config.resetIds };
  resets.malformed ??= () => `not an id: ${'x'.repeat(89)}`;

  return [
    check('append resolves with distinct ids that are valid SSE ids, and replays carry them', 100, async (run) => {
      const ids = await run.appendAll(['a1', 'a2', 'a3'], { event: 'note', id: 'chosen-by-the-caller' });
      assert.equal(new Set(ids).size, 3, `ids must be distinct, got ${JSON.stringify(ids)}`);
      for (const id of ids) {
        assert.equal(typeof id, 'string', 'append must resolve with a string id');
        assert.ok(!/[\0\r\n]/.test(id), `an id must not hold NUL, CR or LF: ${JSON.stringify(id)}`);
      }
      const client = run.client(run.store.stream(ids[0]));
      await run.settle();
      assert.deepEqual(client.events().slice(0, 2), [
        { event: 'note', data: 'a2', id: ids[1] },
        { event: 'note', data: 'a3', id: ids[2] },
      ]);
      assert.deepEqual(client.data(), ['a2', 'a3', 'end-1']);
    }),

    check('replays the events after an id, then live ones, with no gap and no duplicate', 100, async (run) => {
      const ids = await run.appendAll(['e1', 'e2', 'e3', 'e4', 'e5']);
      const resumed = run.client(run.store.stream(ids[1]));
      const atNewest = run.client(run.store.stream(ids[4]));
      await run.appendAll(['e6', 'e7', 'e8']);
      await run.settle();
      assert.deepEqual(resumed.data(), ['e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'end-1']);
      assert.deepEqual(resumed.ids().slice(0, 3), ids.slice(2));
      assert.deepEqual(atNewest.data(), ['e6', 'e7', 'e8', 'end-1']);
    }),

    check(
      'without an id (undefined, null or empty) sends only the events appended after subscribing',
      100,
      async (run) => {
        await run.appendAll(['e1', 'e2']);
        const clients = [run.store.stream(), run.store.stream(null), run.store.stream('')].map((s) => run.client(s));
        await run.appendAll(['e3']);
        await run.settle();
        for (const client of clients) assert.deepEqual(client.data(), ['e3', 'end-1']);
      },
    ),

    check('resumes exactly while events keep being appended', 100, async (run) => {
      const ids: string[] = [];
      const clients: Array<{ client: Client; from: number }> = [];
      for (let n = 1; n <= 150; n++) {
        ids.push(await run.store.append({ data: `e${n}` }));
        if (n === 50) clients.push({ client: run.client(run.store.stream(ids[49])), from: 51 });
        if (n === 60) clients.push({ client: run.client(run.store.stream()), from: 61 });
        if (n === 100) clients.push({ client: run.client(run.store.stream(ids[29])), from: 31 });
      }
      await run.settle();
      for (const { client, from } of clients) {
        const expected = Array.from({ length: 151 - from }, (_, i) => `e${from + i}`);
        assert.deepEqual(client.data(), [...expected, 'end-1'], `the client resuming before e${from}`);
      }
    }),

    check(
      'delivers events appended and clients subscribed from inside a handler exactly once, in order',
      100,
      async (run) => {
        let inner: Client | undefined;
        const outer = run.client(run.store.stream(), (message) => {
          if (message.data !== 'e2') return;
          void run.store.append({ data: 'from-handler' });
          inner = run.client(run.store.stream(message.id));
        });
        await run.appendAll(['e1', 'e2', 'e3']);
        await run.until('the event appended by the handler', () => outer.data().includes('from-handler'));
        await run.settle();
        const seen = outer.data();
        assert.deepEqual(seen.slice(0, 2), ['e1', 'e2']);
        assert.deepEqual([...seen.slice(2, 4)].sort(), ['e3', 'from-handler']);
        assert.deepEqual(seen.slice(4), ['end-1']);
        assert.ok(inner, 'the handler subscribed a client');
        assert.deepEqual(inner.events(), outer.events().slice(2), 'the client subscribed in the handler from e2');
        assert.equal(new Set(outer.ids()).size, outer.ids().length, 'ids must be distinct');
      },
    ),

    ...(['trimmed', 'unknown', 'epoch', 'future', 'malformed'] as const)
      .filter((reason) => reason === 'trimmed' || resets[reason])
      .map((reason) =>
        check(`answers a ${reason} id with a reset carrying the newest id, then live events`, 3, async (run) => {
          const ids = await run.appendAll(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
          const newest = ids[5]!;
          const lastEventId = reason === 'trimmed' ? ids[0]! : await resets[reason]!(run.store, newest);
          const client = run.client(run.store.stream(lastEventId));
          await run.until('the reset', () => client.messages.length > 0);
          const echoed = lastEventId.length > 64 ? `${lastEventId.slice(0, 64)}…` : lastEventId;
          assert.deepEqual(client.events()[0], {
            event: 'reset',
            data: JSON.stringify({ reason, lastEventId: echoed }),
            id: newest,
          });
          await run.appendAll(['e7']);
          const resumed = run.client(run.store.stream(newest));
          await run.appendAll(['e8']);
          await run.settle();
          assert.deepEqual(client.data().slice(1), ['e7', 'e8', 'end-1'], 'after the reset: live events');
          assert.deepEqual(resumed.data(), ['e7', 'e8', 'end-1'], 'a resume from the reset id');
        }),
      ),

    check('a reset from an empty store carries an id that resumes from the first event', 100, async (run) => {
      const lastEventId = await resets.malformed!(run.store, '');
      const client = run.client(run.store.stream(lastEventId));
      await run.until('the reset', () => client.messages.length > 0);
      const reset = client.messages[0]!;
      assert.equal(reset.event, 'reset');
      assert.equal(typeof reset.id, 'string', 'the reset carries an id');
      await run.appendAll(['e1']);
      const resumed = run.client(run.store.stream(reset.id));
      await run.settle();
      assert.deepEqual(client.data().slice(1), ['e1', 'end-1']);
      assert.deepEqual(resumed.data(), ['e1', 'end-1']);
    }),

    check('rejects a message the codec refuses with a TypeError, and never sends it', 100, async (run) => {
      const [before] = await run.appendAll(['e1']);
      const client = run.client(run.store.stream());
      const refused: SseMessage[] = [
        { event: 'chat\ninjected: yes', data: 'x' },
        { data: 'x', retry: -1 },
        { event: 'no-data' },
        { data: 42 as unknown as string },
      ];
      for (const message of refused) {
        let appended: Promise<string>;
        try {
          appended = run.store.append(message);
        } catch (error) {
          assert.fail(`append must return a rejected promise, not throw: ${String(error)}`);
        }
        await assert.rejects(appended, TypeError, `append(${JSON.stringify(message)}) must reject with a TypeError`);
      }
      await run.appendAll(['e2']);
      const resumed = run.client(run.store.stream(before));
      await run.settle();
      assert.deepEqual(client.data(), ['e2', 'end-1']);
      assert.deepEqual(resumed.data(), ['e2', 'end-1']);
    }),

    check('serves several clients at once, each from its own position', 100, async (run) => {
      const ids = await run.appendAll(['e1', 'e2', 'e3', 'e4']);
      const from = [undefined, 0, 2, 3, 1] as const;
      const clients = from.map((i) => run.client(run.store.stream(i === undefined ? undefined : ids[i])));
      await run.appendAll(['e5', 'e6']);
      await run.settle();
      from.forEach((i, c) => {
        const expected = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'].slice(i === undefined ? 4 : i + 1);
        assert.deepEqual(clients[c]!.data(), [...expected, 'end-1'], `client ${c}`);
      });
    }),

    check('stops sending to a client that unsubscribes, also from its handler during the replay', 100, async (run) => {
      const ids = await run.appendAll(['e1', 'e2', 'e3', 'e4', 'e5']);
      const taken = run.client(run.store.stream(ids[0]).pipe(take(2)));
      const leaving = run.client(run.store.stream());
      await run.appendAll(['e6']);
      await run.until('e6', () => leaving.data().includes('e6'));
      leaving.subscription.unsubscribe();
      await run.appendAll(['e7']);
      await run.settle();
      assert.deepEqual(taken.data(), ['e2', 'e3']);
      assert.ok(taken.completed, 'take(2) completed');
      assert.deepEqual(leaving.data(), ['e6']);
    }),
  ];
}

/** A subscription that records what it gets and lets a case wait for it. */
interface Client {
  readonly messages: SseMessage[];
  readonly subscription: Subscription;
  completed: boolean;
  error: unknown;
  /** The messages as `{ event, data, id }` (event `message` when unset). */
  events(): Array<{ event: string; data: string | undefined; id: string | undefined }>;
  data(): Array<string | undefined>;
  ids(): Array<string | undefined>;
}

/** One case's store, clients and waiting. */
class Run {
  private readonly clients: Client[] = [];
  private readonly waiters = new Set<() => void>();
  private settled = 0;

  constructor(
    readonly store: EventStore,
    private readonly timeoutMs: number,
  ) {}

  /** Subscribes a recording client; `onMessage` runs after the message is recorded. */
  client(source$: Observable<SseMessage>, onMessage?: (message: SseMessage) => void): Client {
    const messages: SseMessage[] = [];
    const client = {
      messages,
      completed: false,
      error: undefined as unknown,
      events: () => messages.map((m) => ({ event: m.event ?? 'message', data: m.data, id: m.id })),
      data: () => messages.map((m) => m.data),
      ids: () => messages.map((m) => m.id),
    } as Client;
    this.clients.push(client);
    (client as { subscription: Subscription }).subscription = source$.subscribe({
      next: (message) => {
        messages.push(message);
        onMessage?.(message);
        this.wake();
      },
      error: (error: unknown) => {
        client.error = error;
        this.wake();
      },
      complete: () => {
        client.completed = true;
        this.wake();
      },
    });
    return client;
  }

  /** Appends one event per `data`, in order, each awaited; resolves with their ids. */
  async appendAll(data: string[], fields: Omit<SseMessage, 'data'> = {}): Promise<string[]> {
    const ids: string[] = [];
    for (const item of data) ids.push(await this.store.append({ ...fields, data: item }));
    return ids;
  }

  /** Resolves once `done()` holds; rejects after the timeout, or when a client errors. */
  until(what: string, done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        const failed = this.clients.find((client) => client.error !== undefined);
        if (failed) finish(new Error(`waiting for ${what}: a client's stream errored: ${String(failed.error)}`));
        else if (done()) finish();
      };
      const timer = setTimeout(() => finish(new Error(`waited ${this.timeoutMs} ms for ${what}`)), this.timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Appends the event `end-N` and waits until every open client got it: what came before is all there is. */
  async settle(): Promise<void> {
    const data = `end-${++this.settled}`;
    await this.store.append({ data });
    const open = this.clients.filter((client) => !client.subscription.closed);
    await this.until(`"${data}" on every open client`, () => open.every((client) => client.data().includes(data)));
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.subscription.unsubscribe();
    await (this.store as EventStore & { close?: () => unknown }).close?.();
  }
}
