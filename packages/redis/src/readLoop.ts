import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { RedisStoreState } from './createRedisStore.js';
import { toMessage } from './fields.js';
import { readConnection } from './readConnection.js';
import type { RedisClient } from './redisClient.js';
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
    setState('connecting');
    const reads = readConnection(redis, connectionName, replyGraceMs, {
      // ioredis reconnects by itself: its events are the store's state while the connection is in use.
      opened(connection, current) {
        connection.on('reconnecting', () => {
          if (current()) setState('reconnecting');
        });
        connection.on('ready', () => {
          if (current() && started) setState('connected');
        });
      },
      dropped: () => setState(started ? 'reconnecting' : 'connecting'),
    });

    const run = async (): Promise<void> => {
      let lastId: string | undefined;
      // Bounded by the subscription: each turn waits at most `blockMs` plus the grace, unsubscribing ends it.
      while (running) {
        if (lastId === undefined) {
          // Start after the newest entry now in the stream: a resuming client's XRANGE, sent after
          // this, then overlaps the live part instead of leaving a gap.
          const newest = await reads.ask((connection) => connection.xrevrange(stream, '+', '-', 'COUNT', 1), 0);
          if (newest === undefined) continue;
          lastId = newest[0]?.[0] ?? '0-0';
          started = true;
          if (running) setState('connected');
          continue;
        }
        const from = lastId;
        const reply = await reads.ask(
          (connection) => connection.xread('COUNT', maxEntriesPerRead, 'BLOCK', blockMs, 'STREAMS', stream, from),
          blockMs,
        );
        if (reply === undefined) continue;
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
      reads.close();
      setState('idle');
    };
  });
}
