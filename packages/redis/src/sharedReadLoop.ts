import { Observable, ReplaySubject, Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { toMessage } from './fields.js';
import { newestId } from './newestId.js';
import { readConnection, type ReadConnection } from './readConnection.js';
import type { RedisClient } from './redisClient.js';
import { StoreMeters } from './storeMeters.js';
import { streamIdTime } from './streamId.js';

/** What {@link sharedReadLoop} needs. */
export interface SharedReadLoopConfig {
  redis: RedisClient;
  /** How long one `XREAD BLOCK` waits before it is sent again. */
  blockMs: number;
  /** How long past `blockMs` a reply may take (see {@link readConnection}). */
  replyGraceMs: number;
  /** The most entries one `XREAD` returns per stream. */
  maxEntriesPerRead: number;
  /** The `CLIENT SETNAME` of the loop's connection. */
  connectionName: string;
  /**
   * The loop's own stream, in the slot of the streams it reads (on a Cluster): an entry appended
   * to it wakes the blocked `XREAD` so it is sent again with a new stream among its keys.
   */
  wakeKey: string;
  /** Called once nothing is followed any more: the loop's connection is closed. */
  onIdle: () => void;
}

/** The live side of one followed stream, as `resume` combines it with a replay. */
export interface LiveStream {
  /** The entries the loop reads after the stream joined it; subscribing follows the stream, unsubscribing (the last) lets it go. */
  live$: Observable<SseMessage>;
  /** Emits once the loop knows where the stream starts (it reads every entry after that id). */
  ready$: Observable<unknown>;
}

/** A stream the loop reads, with the live subscriptions that keep it there. */
interface Followed {
  live: Subject<SseMessage>;
  ready: ReplaySubject<true>;
  /** The id of the last entry delivered; `undefined` until the loop knows where to start. */
  lastId: string | undefined;
  subscribers: number;
  /** The registries' meters of its subscribers (`clientMeter`), told each entry's lag. */
  meters: StoreMeters;
}

/** How long the wake stream is kept after its last entry. */
const WAKE_KEEP_MS = 60_000;

/**
 * One `XREAD BLOCK` loop, on one connection (see {@link readConnection}), for any number of
 * streams (all in one cluster slot): a stream joins with its first live subscriber and leaves with
 * its last one; the connection is opened with the first stream and closed once none is left.
 * Each stream starts after its newest entry when it joins, read on the loop's connection, so a
 * replay sent after `ready$` overlaps the live part instead of leaving a gap; then each entry is
 * handed to the stream's subscribers once, in the stream's order (and its lag, from its id's time,
 * to the registries of those subscribers that have one: see `clientMeter` of sse-rx-server).
 *
 * A stream that joins while the loop is blocked wakes it with one entry on `wakeKey` (`XADD …
 * MAXLEN 1`, which expires a minute later): the loop reads that stream too, and sends its `XREAD`
 * again with the new key. A stream that leaves does not wake the loop: its entries read until the
 * next turn are dropped. An error other than a passing one ends the live side of the streams
 * whose key holds something else than a stream (`WRONGTYPE`), or, when none does (`NOPERM`), of
 * every stream the loop reads.
 */
export function sharedReadLoop(config: SharedReadLoopConfig): { follow(stream: string): LiveStream } {
  const { redis, blockMs, maxEntriesPerRead, replyGraceMs, connectionName, wakeKey, onIdle } = config;
  const keyPrefix = redis.options.keyPrefix ?? '';
  const followed = new Map<string, Followed>();
  let connection: ReadConnection | undefined;
  /** The last entry read from the wake stream. */
  let wakeId = '0-0';
  /** An `XREAD` is pending that does not read every followed stream yet, and no wake-up was sent. */
  let blockedWithout = false;

  const wake = (): void => {
    if (!blockedWithout) return;
    blockedWithout = false;
    // Only a shortcut: if the wake-up is lost, the XREAD returns after blockMs and reads the stream then.
    void redis
      .multi()
      .xadd(wakeKey, 'MAXLEN', '1', '*', 'wake', '')
      .pexpire(wakeKey, WAKE_KEEP_MS)
      .exec()
      .catch(() => undefined);
  };
  const current = (key: string, entry: Followed): boolean => followed.get(key) === entry;

  /** Reads where the streams that joined start; then they are ready. False when the connection had to be replaced. */
  const start = async (loop: ReadConnection, joined: Array<[string, Followed]>): Promise<boolean> => {
    const ids = await loop.ask((c) => Promise.all(joined.map(([key]) => newestId(c, key))), 0);
    if (ids === undefined) return false;
    joined.forEach(([key, entry], n) => {
      if (!current(key, entry)) return;
      entry.lastId = ids[n];
      entry.ready.next(true);
    });
    return true;
  };
  /** One `XREAD BLOCK` of every stream that is ready; hands each entry on to the stream's subscribers. */
  const read = async (loop: ReadConnection, reading: Array<[string, Followed]>): Promise<void> => {
    const keys = reading.map(([key]) => key);
    const ids = reading.map(([, entry]) => entry.lastId as string);
    blockedWithout = true;
    const reply = await loop
      .ask(
        (c) => c.xread('COUNT', maxEntriesPerRead, 'BLOCK', blockMs, 'STREAMS', wakeKey, ...keys, wakeId, ...ids),
        blockMs,
      )
      .finally(() => (blockedWithout = false));
    const entries = new Map(reading);
    for (const [prefixedKey, read] of reply ?? []) {
      // The reply names each key with the client's keyPrefix, which ioredis added to the command.
      const key = prefixedKey.slice(keyPrefix.length);
      if (key === wakeKey) wakeId = read.at(-1)?.[0] ?? wakeId;
      const entry = entries.get(key);
      for (const [id, fields] of read) {
        // A subscriber may leave (its last one) while the entries are handed on.
        if (!entry || !current(key, entry)) break;
        entry.lastId = id;
        if (entry.meters.size > 0) entry.meters.lagged(Date.now() - streamIdTime(id));
        entry.live.next(toMessage(id, fields));
      }
    }
  };
  /** Ends the live side of the followed streams whose key holds something else (`WRONGTYPE`); false if none does. */
  const dropMistyped = async (error: unknown): Promise<boolean> => {
    const reading = [...followed];
    const types = await Promise.all(reading.map(([key]) => redis.type(key)));
    const mistyped = reading.filter((_, n) => types[n] !== 'stream' && types[n] !== 'none');
    for (const [key, entry] of mistyped) {
      if (!current(key, entry)) continue;
      followed.delete(key);
      entry.live.error(error);
    }
    if (followed.size === 0 && connection) stop();
    return mistyped.length > 0;
  };
  const run = async (loop: ReadConnection): Promise<void> => {
    // Bounded by the followed streams: each turn waits at most blockMs + the grace, the last one leaving ends it.
    // A turn starts the streams that joined, then reads (so joins coming fast cannot hold the reading back).
    while (loop === connection) {
      const joined = [...followed].filter(([, entry]) => entry.lastId === undefined);
      try {
        if (joined.length > 0 && !(await start(loop, joined))) continue;
        const ready = [...followed].filter(([, entry]) => entry.lastId !== undefined);
        if (ready.length > 0 && loop === connection) await read(loop, ready);
      } catch (error) {
        // One stream replaced by a key of another type must not end the others.
        if (loop === connection && !(await dropMistyped(error))) throw error;
      }
    }
  };
  const stop = (): void => {
    connection?.close();
    connection = undefined;
    onIdle();
  };
  const fail = (loop: ReadConnection, error: unknown): void => {
    if (loop !== connection) return;
    const ended = [...followed.values()];
    followed.clear();
    stop();
    for (const entry of ended) entry.live.error(error);
  };

  const join = (key: string): Followed => {
    const entry = followed.get(key);
    if (entry) return entry;
    const joined: Followed = {
      live: new Subject(),
      ready: new ReplaySubject(1),
      lastId: undefined,
      subscribers: 0,
      meters: new StoreMeters(),
    };
    followed.set(key, joined);
    if (connection) wake();
    else {
      const loop = readConnection(redis, connectionName, replyGraceMs);
      connection = loop;
      run(loop).catch((error: unknown) => fail(loop, error));
    }
    return joined;
  };

  return {
    follow(stream) {
      const live$ = new Observable<SseMessage>((subscriber) => {
        const joined = join(stream);
        joined.subscribers++;
        const subscription = joined.meters.watch(joined.live).subscribe(subscriber);
        return () => {
          subscription.unsubscribe();
          if (--joined.subscribers > 0 || !current(stream, joined)) return;
          followed.delete(stream);
          if (followed.size === 0) stop();
        };
      });
      const ready$ = new Observable<unknown>((subscriber) => {
        const entry = followed.get(stream);
        if (entry) return entry.ready.subscribe(subscriber);
        subscriber.error(new Error(`ready$ of ${stream} waited on while its live$ was not subscribed.`));
        return undefined;
      });
      return { live$, ready$ };
    },
  };
}
