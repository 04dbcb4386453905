import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { toMessage } from './fields.js';
import type { StreamHubState } from './createStreamHub.js';

/** What {@link readLoop} needs: the resolved hub options plus a state setter. */
export interface ReadLoopConfig {
  redis: Redis;
  stream: string;
  blockMs: number;
  count: number;
  connectionName: string;
  setState: (state: StreamHubState) => void;
}

/**
 * A cold Observable of the entries appended to `stream` after it was subscribed: each subscription
 * opens its own connection (`redis.duplicate()`) and runs one `XREAD BLOCK` loop on it until
 * unsubscribed, which disconnects it. The hub shares one subscription among all its clients.
 *
 * The loop reads from the last id it delivered, so a reconnect (ioredis reconnects by itself and
 * resends the pending `XREAD`) loses nothing the stream still holds.
 */
export function readLoop(config: ReadLoopConfig): Observable<SseMessage> {
  const { redis, stream, blockMs, count, connectionName, setState } = config;
  return new Observable<SseMessage>((subscriber) => {
    // Commands wait through reconnects instead of failing after 20 retries (the state tells the
    // app), and a `commandTimeout` meant for ordinary commands must not cut a blocking XREAD short.
    const connection = redis.duplicate({ connectionName, maxRetriesPerRequest: null, commandTimeout: undefined });
    let running = true;
    let started = false;
    setState('connecting');
    // ioredis reports connection errors here too; they surface as the `reconnecting` state.
    connection.on('error', () => undefined);
    connection.on('reconnecting', () => {
      if (running) setState('reconnecting');
    });
    connection.on('ready', () => {
      if (running && started) setState('connected');
    });

    const run = async (): Promise<void> => {
      // Start after the newest entry now in the stream: a resuming client's XRANGE, sent after
      // this, then overlaps the live part instead of leaving a gap.
      const [newest] = await connection.xrevrange(stream, '+', '-', 'COUNT', 1);
      let lastId = newest?.[0] ?? '0-0';
      started = true;
      if (running) setState('connected');
      // Bounded by the subscription: each turn blocks at most `blockMs`, unsubscribing ends it.
      while (running) {
        const reply = await connection.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, lastId);
        const entries = reply?.[0]?.[1] ?? [];
        for (const [id, fields] of entries) {
          if (!running) return;
          lastId = id;
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
      connection.disconnect();
      setState('idle');
    };
  });
}
