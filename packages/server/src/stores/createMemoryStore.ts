import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { clientMeter } from '../demand.js';
import { encodeFrame } from '../sinks/encodeFrame.js';
import type { EventStore, ResetReason } from './eventStore.js';
import { type Entry, MemoryClient } from './memoryClient.js';
import { resetMessage } from './resetMessage.js';

/**
 * Options of {@link createMemoryStore}.
 * @public
 */
export interface MemoryStoreConfig {
  /**
   * How many events are kept for clients that resume; older ones are dropped (a client resuming
   * from before them gets a `trimmed` reset).
   * @default 1000
   */
  maxEvents?: number;
  /**
   * How long an event is kept, in milliseconds.
   * @default Infinity (only `maxEvents` limits the store)
   */
  ttlMs?: number;
}

/** This process's boot id: ids of a store carry it, so an id from before a restart is recognised. */
const BOOT = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
/** Stores made in this process so far: the second part of the epoch. */
let stores = 0;
/** `<boot>.<store>:<seq>`, e.g. `mfx3k2a9q1zt.1:42`. */
const ID = /^([0-9a-z]+)\.(\d+):(\d+)$/;

/**
 * An {@link EventStore} in this process's memory: `append` numbers each event, keeps the last
 * `maxEvents` and sends it to every client at once; `stream(lastEventId)` replays what a client
 * missed and goes live in one synchronous step, so events appended meanwhile (even by the client's
 * own handler) are delivered once, in order.
 *
 * Ids are `<epoch>:<n>`, where the epoch names this process's boot and this store: an id from
 * before a restart (`epoch`), from another store (`unknown`), newer than the newest (`future`),
 * older than what is kept (`trimmed`), or not of this shape (`malformed`) gets, first,
 * `event: reset` with data `{"reason":…,"lastEventId":…}` and the newest id (`<epoch>:0` while the
 * store is empty), then live events. Appended messages are frozen and encoded once for every client.
 * Behind a balancer without sticky sessions each instance has its own epoch: use `createRedisStore`
 * from sse-rx-redis to share one store.
 *
 * @example
 * ```ts
 * import { createMemoryStore, readLastEventId, sendEvents } from 'sse-rx-server';
 * const store = createMemoryStore({ maxEvents: 100 });
 * const first = await store.append({ event: 'chat', data: 'hi' });
 * // 'mfx3k2a9q1zt.1:1'
 * await store.append({ event: 'chat', data: 'there' });
 * store.stream(first).subscribe(console.log);
 * // { event: 'chat', data: 'there', id: 'mfx3k2a9q1zt.1:2' }
 * store.stream('mfx3k2a9q1zt.1:1').subscribe(console.log); // after a restart: another epoch
 * // { event: 'reset', data: '{"reason":"epoch","lastEventId":"mfx3k2a9q1zt.1:1"}', id: 'mfy0b7c1d2e3.1:0' }
 * createServer((req, res) => sendEvents(req, res, store.stream(readLastEventId(req))));
 * ```
 * @param config - how much to keep; see {@link MemoryStoreConfig}.
 * @returns the store: `append` to publish, `stream` to serve a client.
 * @public
 */
export function createMemoryStore(config: MemoryStoreConfig = {}): EventStore {
  const maxEvents = config.maxEvents ?? 1000;
  const ttlMs = config.ttlMs ?? Infinity;
  if (!(maxEvents >= 0)) throw new TypeError(`maxEvents must be a number >= 0, got ${String(maxEvents)}.`);
  const epoch = `${BOOT}.${++stores}`;
  const entries: Entry[] = [];
  const live = new Set<MemoryClient>();
  // The entry being sent to every client: a client that joins while it is (from a handler) does not get it.
  let appending: Entry | undefined;
  let lastSeq = 0;

  const prune = (now: number) => {
    let drop = Math.max(0, entries.length - maxEvents);
    while (drop < entries.length && now - entries[drop]!.time > ttlMs) drop++;
    if (drop > 0) entries.splice(0, drop);
  };
  const add = (input: SseMessage): string => {
    if (input === null || typeof input !== 'object' || input.data === undefined)
      throw new TypeError(
        'An event store keeps events: append a message with data (it may be ""). Send comments and retry hints through the sink.',
      );
    const seq = lastSeq + 1;
    const message = Object.freeze({ ...input, id: `${epoch}:${seq}` });
    // Throws the codec's TypeError before anything is kept or sent; the frame is then cached for every client.
    const { byteLength } = encodeFrame(message);
    lastSeq = seq;
    const entry = { seq, time: Date.now(), message, bytes: byteLength };
    entries.push(entry);
    prune(entry.time);
    const outer = appending;
    appending = entry;
    try {
      for (const client of live) client.next(entry);
    } finally {
      appending = outer;
    }
    return message.id;
  };
  // The kept entries after `lastEventId`, or why there are none to serve from it.
  const after = (lastEventId: string): readonly Entry[] | ResetReason => {
    const match = ID.exec(lastEventId);
    if (!match) return 'malformed';
    if (match[1] !== BOOT) return 'epoch';
    if (`${match[1]}.${match[2]}` !== epoch) return 'unknown';
    const seq = Number(match[3]);
    if (seq > lastSeq) return 'future';
    prune(Date.now());
    const oldest = entries[0]?.seq ?? lastSeq + 1;
    if (seq < oldest - 1) return 'trimmed';
    return entries.slice(seq - oldest + 1);
  };

  return {
    append: (message) => {
      try {
        return Promise.resolve(add(message));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    stream: (lastEventId) =>
      new Observable<SseMessage>((subscriber) => {
        const client = new MemoryClient(live, subscriber, lastSeq + 1, appending);
        live.add(client);
        const backlog = lastEventId ? after(lastEventId) : [];
        if (typeof backlog === 'string') {
          subscriber.next(resetMessage(backlog, lastEventId!, `${epoch}:${lastSeq}`));
          client.start([]);
        } else {
          if (lastEventId) clientMeter()?.replayed(backlog.length);
          if (backlog.length > 0) client.nextSeq = backlog[0]!.seq;
          client.start(backlog);
        }
        return client;
      }),
  };
}
