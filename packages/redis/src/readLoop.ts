import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { isPassing } from './commandFailure.js';
import type { RedisStoreState } from './createRedisStore.js';
import { toMessage } from './fields.js';
import { duplicateForReading, type RedisClient } from './redisClient.js';
import type { StoreMeters } from './storeMeters.js';
import { streamIdTime } from './streamId.js';

/** What {@link readLoop} needs: the resolved store config plus a state setter. */
export interface ReadLoopConfig {
  redis: RedisClient;
  stream: string;
  blockMs: number;
  maxEntriesPerRead: number;
  /** How long past `blockMs` (past 0 for a command that does not block) a reply may take; doubled after each late one. */
  replyGraceMs: number;
  connectionName: string;
  setState: (state: RedisStoreState) => void;
  /** Where each entry's lag (its delivery time less its id's time) goes, while a registry listens. */
  meters: StoreMeters;
}

/** What a command that did not answer in time resolves to. */
const LATE = Symbol('late');
/** What a command that failed in passing (see {@link isPassing}) resolves to. */
const FAILED = Symbol('failed');
/** The grace doubles after each late reply in a row (a new connection has to connect first: a busy host must not be cut for ever), up to this many times the configured one. */
const MAX_GRACE_FACTOR = 16;

/**
 * A cold Observable of the entries appended to `stream` after it was subscribed: each subscription
 * opens its own connection (`redis.duplicate()`) and runs one `XREAD BLOCK` loop on it until
 * unsubscribed, which disconnects it. The store shares one subscription among all its clients.
 *
 * The loop reads from the last id it delivered, so a reconnect loses nothing the stream still
 * holds. ioredis reconnects by itself after a reset or a close; a connection that goes silent
 * instead (a black hole, a frozen server) is noticed here: an `XREAD BLOCK blockMs` must answer
 * within `blockMs + replyGraceMs`, or the connection is dropped and a new one opened; the grace
 * doubles after each late reply in a row and is back to `replyGraceMs` after the first in time.
 * A command that fails in passing (a cluster failing over or moving the stream's slot past
 * ioredis's own retries) is treated the same way, after a pause of the current grace; any other
 * error (`WRONGTYPE`) ends the Observable. While a stream with a registry is subscribed, each
 * entry's lag (now less the time of its id) is reported to `meters` as it is delivered.
 */
export function readLoop(config: ReadLoopConfig): Observable<SseMessage> {
  const { redis, stream, blockMs, maxEntriesPerRead, replyGraceMs, connectionName, setState, meters } = config;
  return new Observable<SseMessage>((subscriber) => {
    let running = true;
    let started = false;
    let connection: RedisClient | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let graceMs = replyGraceMs;
    setState('connecting');

    const open = (): RedisClient => {
      const opened = duplicateForReading(redis, connectionName);
      const current = (): boolean => running && opened === connection;
      // ioredis reports connection errors here too; they surface as the `reconnecting` state.
      opened.on('error', () => undefined);
      opened.on('reconnecting', () => {
        if (current()) setState('reconnecting');
      });
      opened.on('ready', () => {
        if (current() && started) setState('connected');
      });
      connection = opened;
      return opened;
    };
    /** The reply of `command`, {@link FAILED} if it failed in passing, or {@link LATE} after `ms`; a late reply is ignored. */
    const due = <T>(command: Promise<T>, ms: number): Promise<T | typeof LATE | typeof FAILED> => {
      const settled = command.catch((error: unknown): typeof FAILED => {
        if (isPassing(error)) return FAILED;
        throw error;
      });
      // A command abandoned here fails with "Connection is closed" once its connection is dropped.
      settled.catch(() => undefined);
      return Promise.race([
        settled,
        new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, ms, LATE))),
      ]).finally(() => clearTimeout(timer));
    };
    /** Replaces the connection: at once after a late reply (the deadline waited already), a grace later after a failure. */
    const drop = async (why: typeof LATE | typeof FAILED): Promise<void> => {
      const pauseMs = graceMs;
      graceMs = Math.min(graceMs * 2, replyGraceMs * MAX_GRACE_FACTOR);
      connection?.disconnect();
      connection = undefined;
      if (running) setState(started ? 'reconnecting' : 'connecting');
      // Unsubscribing clears the timer: the loop then stays parked here, and is collected.
      if (why === FAILED) await new Promise((resolve) => (timer = setTimeout(resolve, pauseMs)));
    };

    const run = async (): Promise<void> => {
      let lastId: string | undefined;
      // Bounded by the subscription: each turn waits at most `blockMs + replyGraceMs`, unsubscribing ends it.
      while (running) {
        const current = connection ?? open();
        if (lastId === undefined) {
          // Start after the newest entry now in the stream: a resuming client's XRANGE, sent after
          // this, then overlaps the live part instead of leaving a gap.
          const newest = await due(current.xrevrange(stream, '+', '-', 'COUNT', 1), graceMs);
          if (newest === LATE || newest === FAILED) {
            await drop(newest);
            continue;
          }
          graceMs = replyGraceMs;
          lastId = newest[0]?.[0] ?? '0-0';
          started = true;
          if (running) setState('connected');
          continue;
        }
        const reply = await due(
          current.xread('COUNT', maxEntriesPerRead, 'BLOCK', blockMs, 'STREAMS', stream, lastId),
          blockMs + graceMs,
        );
        if (reply === LATE || reply === FAILED) {
          await drop(reply);
          continue;
        }
        graceMs = replyGraceMs;
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          if (!running) return;
          lastId = id;
          if (meters.size > 0) meters.lagged(Date.now() - streamIdTime(id));
          subscriber.next(toMessage(id, fields));
        }
      }
    };
    run().catch((error: unknown) => {
      // After unsubscribing, the pending XREAD fails with "Connection is closed": not an error.
      if (running) subscriber.error(error);
    });

    return () => {
      running = false;
      clearTimeout(timer);
      connection?.disconnect();
      setState('idle');
    };
  });
}
