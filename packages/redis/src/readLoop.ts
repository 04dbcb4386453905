import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { StreamHubState } from './createStreamHub.js';
import { toMessage } from './fields.js';

/** What {@link readLoop} needs: the resolved hub options plus a state setter. */
export interface ReadLoopConfig {
  redis: Redis;
  stream: string;
  blockMs: number;
  count: number;
  /** How long past `blockMs` (past 0 for a command that does not block) a reply may take. */
  replyGraceMs: number;
  connectionName: string;
  setState: (state: StreamHubState) => void;
}

/** What a command that did not answer in time resolves to. */
const LATE = Symbol('late');

/**
 * A cold Observable of the entries appended to `stream` after it was subscribed: each subscription
 * opens its own connection (`redis.duplicate()`) and runs one `XREAD BLOCK` loop on it until
 * unsubscribed, which disconnects it. The hub shares one subscription among all its clients.
 *
 * The loop reads from the last id it delivered, so a reconnect loses nothing the stream still
 * holds. ioredis reconnects by itself after a reset or a close; a connection that goes silent
 * instead (a black hole, a frozen server) is noticed here: an `XREAD BLOCK blockMs` must answer
 * within `blockMs + replyGraceMs`, or the connection is dropped and a new one opened.
 */
export function readLoop(config: ReadLoopConfig): Observable<SseMessage> {
  const { redis, stream, blockMs, count, replyGraceMs, connectionName, setState } = config;
  return new Observable<SseMessage>((subscriber) => {
    let running = true;
    let started = false;
    let connection: Redis | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState('connecting');

    const open = (): Redis => {
      // Commands wait through reconnects instead of failing after 20 retries (the state tells the
      // app), and a `commandTimeout` meant for ordinary commands must not cut a blocking XREAD short.
      const opened = redis.duplicate({ connectionName, maxRetriesPerRequest: null, commandTimeout: undefined });
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
    /** The reply of `command`, or {@link LATE} after `ms`; a late reply is ignored. */
    const due = <T>(command: Promise<T>, ms: number): Promise<T | typeof LATE> => {
      // A command abandoned here fails with "Connection is closed" once its connection is dropped.
      command.catch(() => undefined);
      return Promise.race([
        command,
        new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, ms, LATE))),
      ]).finally(() => clearTimeout(timer));
    };
    const drop = (): void => {
      connection?.disconnect();
      connection = undefined;
      if (running) setState(started ? 'reconnecting' : 'connecting');
    };

    const run = async (): Promise<void> => {
      let lastId: string | undefined;
      // Bounded by the subscription: each turn waits at most `blockMs + replyGraceMs`, unsubscribing ends it.
      while (running) {
        const current = connection ?? open();
        if (lastId === undefined) {
          // Start after the newest entry now in the stream: a resuming client's XRANGE, sent after
          // this, then overlaps the live part instead of leaving a gap.
          const newest = await due(current.xrevrange(stream, '+', '-', 'COUNT', 1), replyGraceMs);
          if (newest === LATE) {
            drop();
            continue;
          }
          lastId = newest[0]?.[0] ?? '0-0';
          started = true;
          if (running) setState('connected');
          continue;
        }
        const reply = await due(
          current.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, lastId),
          blockMs + replyGraceMs,
        );
        if (reply === LATE) {
          drop();
          continue;
        }
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
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
      clearTimeout(timer);
      connection?.disconnect();
      setState('idle');
    };
  });
}
