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

/** Runs `subscribe` (a sink subscribing to its source) with `demand` as the one {@link clientDemand} gives. */
export function withDemand<T>(demand: SseDemand, subscribe: () => T): T {
  const outer = current;
  current = demand;
  try {
    return subscribe();
  } finally {
    current = outer;
  }
}
