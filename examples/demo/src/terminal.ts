import type { Subscription } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';
import type { Tick } from './ticker.js';

/** Prints the demo's price stream in the terminal through sse-rx-client; returns the subscription. */
export function printTicks(url: string, print: (line: string) => void = console.log): Subscription {
  return fromSse<{ tick: Tick }>(`${url}/events`, {
    onState: (state) =>
      print(
        `[terminal client] ${state.status}${state.status === 'reconnecting' ? ` in ${state.delayMs} ms (attempt ${state.attempt})` : ''}`,
      ),
  })
    .pipe(ofType('tick'), parseJson())
    .subscribe({
      next: ({ data, lastEventId }) =>
        print(
          `[terminal client] tick #${data.n}  ${new Date(data.time).toISOString().slice(11, 19)}  price ${data.price.toFixed(2)}  (id ${lastEventId})`,
        ),
      error: (error: unknown) => print(`[terminal client] failed: ${String(error)}`),
    });
}
