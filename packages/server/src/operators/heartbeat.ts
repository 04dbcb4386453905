import { asyncScheduler, Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/**
 * Options of {@link heartbeat}.
 * @public
 */
export interface HeartbeatConfig {
  /** How long the stream may stay silent before a heartbeat is sent, in milliseconds. */
  intervalMs: number;
  /**
   * The text of the heartbeat comment line.
   * @default '' (the wire text is `': \n\n'`)
   */
  comment?: string;
}

/**
 * Announces the heartbeat interval, then sends a comment message whenever the stream was silent
 * for `intervalMs`, so proxies and load balancers keep the connection open and clients can tell
 * a live stream from a dead one.
 *
 * The first message, at subscription, is the comment `sse-rx heartbeat-ms=<intervalMs>` (wire
 * bytes `: sse-rx heartbeat-ms=15000\n\n`): sse-rx-client arms its stall watchdog from it, any
 * other client ignores it. The timer starts at subscription and restarts after every value, so
 * a busy stream carries no heartbeats at all. Comments are ignored by `EventSource`, do not
 * change the last event id, and do not make a sink send its response head early.
 * Heartbeats stop when the source completes or errors, or when the subscriber unsubscribes.
 *
 * @example
 * ```ts
 * import { NEVER } from 'rxjs';
 * import { heartbeat } from 'sse-rx-server';
 * NEVER.pipe(heartbeat(15_000)).subscribe(console.log);
 * // { comment: 'sse-rx heartbeat-ms=15000' }   (at once)
 * // { comment: '' }   (after 15 s)
 * // { comment: '' }   (after 30 s) ...
 * ```
 * @param config - the interval in milliseconds, or {@link HeartbeatConfig}.
 * @returns an operator that adds heartbeat messages to the source's values.
 * @throws TypeError when the interval is not a positive number.
 * @public
 */
export function heartbeat<T>(config: number | HeartbeatConfig): OperatorFunction<T, T | SseMessage> {
  const { intervalMs, comment = '' } = typeof config === 'number' ? { intervalMs: config } : config;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs))
    throw new TypeError(`heartbeat() needs a positive interval in milliseconds, got ${String(intervalMs)}.`);
  return (source) =>
    new Observable<T | SseMessage>((subscriber) => {
      let beat: Subscription | undefined;
      // (Re)starts the silence timer; it repeats every intervalMs until the next value.
      const restart = () => {
        beat?.unsubscribe();
        beat = asyncScheduler.schedule(function () {
          subscriber.next({ comment });
          this.schedule(undefined, intervalMs);
        }, intervalMs);
      };
      subscriber.next({ comment: `sse-rx heartbeat-ms=${intervalMs}` });
      // The subscriber may have unsubscribed in reaction to the announcement.
      if (subscriber.closed) return;
      restart();
      const subscription = source.subscribe({
        next: (value) => {
          subscriber.next(value);
          // The subscriber may have unsubscribed in reaction to this value.
          if (!subscriber.closed) restart();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        beat?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
