import { isPassing } from './commandFailure.js';
import { duplicateForReading, type RedisClient } from './redisClient.js';

/** What a command that did not answer in time resolves to. */
const LATE = Symbol('late');
/** What a command that failed in passing (see {@link isPassing}) resolves to. */
const FAILED = Symbol('failed');
/** The grace doubles after each late reply in a row, up to this many times the configured one. */
const MAX_GRACE_FACTOR = 16;

/** A connection of its own that a read loop blocks on, see {@link readConnection}. */
export interface ReadConnection {
  /**
   * Sends `command` on the connection (opened on first use) and resolves to its reply, or to
   * `undefined` once the connection was replaced or closed: it stayed silent past `waitMs` plus
   * the grace, or failed in passing. Rejects with any other error (`WRONGTYPE`).
   */
  ask<T>(command: (connection: RedisClient) => Promise<T>, waitMs: number): Promise<T | undefined>;
  /** Disconnects for good: a pending `ask` resolves to `undefined`, or never after a failure. */
  close(): void;
}

/** What a {@link readConnection}'s owner hears of its connections (a store's `state$`). */
export interface ReadConnectionEvents {
  /** A connection was opened; `current()` is true while it is the one in use. */
  opened?(connection: RedisClient, current: () => boolean): void;
  /** The connection was dropped (silent past its deadline, or failed in passing); the next `ask` opens another. */
  dropped?(): void;
}

/**
 * The connection of a read loop (`redis.duplicate()`, named `connectionName`), replaced when it
 * goes silent: a reply must come within `waitMs + grace`, or the connection is dropped (the next
 * `ask` opens a new one). The grace starts at `replyGraceMs` and doubles after each late reply in
 * a row (a new connection on a busy host must get through), back to `replyGraceMs` after one in
 * time. A command that fails in passing (a cluster failing over) drops it too, after a pause of
 * the current grace.
 */
export function readConnection(
  redis: RedisClient,
  connectionName: string,
  replyGraceMs: number,
  events: ReadConnectionEvents = {},
): ReadConnection {
  let connection: RedisClient | undefined;
  let closed = false;
  let graceMs = replyGraceMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = <T>(ms: number, value: T): Promise<T> =>
    new Promise((resolve) => (timer = setTimeout(resolve, ms, value)));
  const open = (): RedisClient => {
    const opened = duplicateForReading(redis, connectionName);
    // ioredis reports connection errors here too, and reconnects by itself.
    opened.on('error', () => undefined);
    connection = opened;
    events.opened?.(opened, () => !closed && opened === connection);
    return opened;
  };
  const drop = (): void => {
    connection?.disconnect();
    connection = undefined;
    if (!closed) events.dropped?.();
  };

  return {
    async ask(command, waitMs) {
      if (closed) return undefined;
      const reply = command(connection ?? open()).catch((error: unknown): typeof FAILED => {
        if (closed || isPassing(error)) return FAILED;
        throw error;
      });
      // A reply abandoned for a late one fails with "Connection is closed" once dropped.
      reply.catch(() => undefined);
      const outcome = await Promise.race([reply, wait(waitMs + graceMs, LATE)]).finally(() => clearTimeout(timer));
      if (closed) return undefined;
      if (outcome !== LATE && outcome !== FAILED) {
        graceMs = replyGraceMs;
        return outcome;
      }
      const pauseMs = graceMs;
      graceMs = Math.min(graceMs * 2, replyGraceMs * MAX_GRACE_FACTOR);
      drop();
      // Closing clears the timer: the caller then stays parked here, and is collected.
      if (outcome === FAILED) await wait(pauseMs, undefined);
      return undefined;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      drop();
    },
  };
}
