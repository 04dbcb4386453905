/**
 * Whether the client a sink serves can take more now: what a store reads to pace a replay to the
 * client's connection, instead of pushing a long backlog into the sink's bounded queue (where a
 * slow reader would pass `backpressure.maxBufferBytes` and be closed).
 *
 * @example
 * ```ts
 * import { Observable } from 'rxjs';
 * import { clientDemand, type SseMessage } from 'sse-rx-server';
 * // A store of your own replaying `backlog`, at the pace the client reads:
 * const replay = (backlog: SseMessage[]) =>
 *   new Observable<SseMessage>((subscriber) => {
 *     const demand = clientDemand(); // read while subscribing
 *     let next = 0;
 *     let cancel = () => {};
 *     const send = () => {
 *       while (next < backlog.length && !subscriber.closed) {
 *         subscriber.next(backlog[next++]!);
 *         if (!demand.ready) return void (cancel = demand.whenReady(send));
 *       }
 *       subscriber.complete();
 *     };
 *     send();
 *     return () => cancel();
 *   });
 * ```
 * @public
 */
export interface SseDemand {
  /** True while nothing waits in the sink's queue for this client: what is sent now goes straight to the connection. */
  readonly ready: boolean;
  /**
   * Calls `listener` once, in a later task (never from inside this call), when `ready` is true
   * again: after the connection took what waited. Returns a function that cancels the call.
   */
  whenReady(listener: () => void): () => void;
}

/** Calls `listener` one macrotask later (so I/O can run first); returns a function that cancels the call. */
export function nextTask(listener: () => void): () => void {
  const timer = setTimeout(listener, 0);
  return () => clearTimeout(timer);
}

/** A demand with no sink behind it: always ready, and `whenReady` waits one macrotask so I/O can run. */
const UNPACED: SseDemand = { ready: true, whenReady: nextTask };

let current: SseDemand | undefined;

/**
 * The demand of the client whose sink (`sendEvents`, `toResponse`, `toReadableStream`) is
 * subscribing to its source right now. Call it synchronously while your Observable is subscribed
 * (in `new Observable(...)`'s function, or `defer`): that is when a sink's subscription reaches a
 * store through operators such as `map`, `filter` or `merge`. Anywhere else, and for a source
 * subscribed after an await (a `switchMap` over an auth check), it gives a demand that is always
 * ready and whose `whenReady` waits one macrotask: pace by bytes on top of it (the stores of sse-rx
 * hand on at most 64 KiB before they wait on `whenReady`).
 *
 * @example
 * ```ts
 * import { defer, of } from 'rxjs';
 * import { clientDemand } from 'sse-rx-server';
 * const source$ = defer(() => {
 *   const demand = clientDemand();
 *   return of({ data: demand.ready ? 'the client can take more' : 'wait for demand.whenReady' });
 * });
 * ```
 * @returns the demand of the client being subscribed, or an unpaced one.
 * @public
 */
export function clientDemand(): SseDemand {
  return current ?? UNPACED;
}

/**
 * What a store tells the registry whose stream it serves (see {@link clientMeter}), for the
 * metrics `replayedEvents` and `storeLag` (`sse_rx_replayed_events`, `sse_rx_store_lag_seconds`).
 * One meter per registry: a store serving many streams of one registry may report an event's lag
 * once to it.
 *
 * @example
 * ```ts
 * import { Observable } from 'rxjs';
 * import { clientMeter, type SseMessage } from 'sse-rx-server';
 * // A store of your own, serving a client that resumes after `missed`:
 * const resume = (missed: SseMessage[]) =>
 *   new Observable<SseMessage>((subscriber) => {
 *     clientMeter()?.replayed(missed.length); // read while subscribing; undefined without a registry
 *     for (const message of missed) subscriber.next(message);
 *   });
 * ```
 * @public
 */
export interface SseStoreMeter {
  /**
   * The store replayed (or is replaying) `events` events to a client that resumed with a
   * `Last-Event-ID`: 0 when it missed nothing. Not called for a client that got a reset.
   * @throws TypeError when `events` is not a whole number >= 0.
   */
  replayed(events: number): void;
  /**
   * The store delivered a live event `lagMs` milliseconds after it was appended (a negative lag,
   * from clocks apart, counts as 0).
   * @throws TypeError when `lagMs` is not a finite number.
   */
  lagged(lagMs: number): void;
}

let currentMeter: SseStoreMeter | undefined;

/**
 * The meter of the registry counting the client whose sink is subscribing to its source right now
 * (see {@link SseStoreMeter}), or `undefined` when its sink has no `registry` or when called
 * anywhere else: read it synchronously while subscribed, like {@link clientDemand}. Without a
 * registry a store does nothing more than this call.
 *
 * @example
 * ```ts
 * import { defer, of } from 'rxjs';
 * import { clientMeter } from 'sse-rx-server';
 * const source$ = defer(() => {
 *   clientMeter()?.replayed(0); // a resume that missed nothing
 *   return of({ data: 'live' });
 * });
 * ```
 * @returns the registry's meter, or `undefined`.
 * @public
 */
export function clientMeter(): SseStoreMeter | undefined {
  return currentMeter;
}

/**
 * Runs `subscribe` (a sink subscribing to its source) with `demand` as the one {@link clientDemand}
 * gives, and `meter` (its registry's, if any) as the one {@link clientMeter} gives.
 */
export function withDemand<T>(demand: SseDemand, subscribe: () => T, meter?: SseStoreMeter): T {
  const outer = current;
  const outerMeter = currentMeter;
  current = demand;
  currentMeter = meter;
  try {
    return subscribe();
  } finally {
    current = outer;
    currentMeter = outerMeter;
  }
}
