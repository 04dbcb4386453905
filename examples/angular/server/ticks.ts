import { interval, map, type Observable, share } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { asMessage } from 'sse-rx-server';
import type { Tick } from '../src/app/tick.js';

/**
 * The stream the app's `TicksService` reads: `event: tick`, id `n`, data `{ n, time, price }`, one
 * ticker shared by every client so an id means the same tick everywhere.
 * @param periodMs - the time between two ticks.
 * @returns the shared messages.
 */
export function ticks(periodMs: number): Observable<SseMessage> {
  let price = 100;
  return interval(periodMs).pipe(
    map((i): Tick => {
      price = Math.max(1, price + (Math.random() - 0.5) * 2);
      return { n: i + 1, time: new Date().toISOString(), price: Math.round(price * 100) / 100 };
    }),
    asMessage<Tick>({ event: () => 'tick', id: 'n' }),
    share(),
  );
}
