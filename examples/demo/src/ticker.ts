import { interval, map, type Observable, share } from 'rxjs';
import { asMessage, type SseMessage } from 'sse-rx-server';

/** One tick of the demo: a sequence number, the server time and a made-up price. */
export interface Tick {
  n: number;
  time: string;
  price: number;
}

/**
 * One shared ticker for every client: each connection sees the same ticks with the same ids
 * (`n`), so a reconnecting client's `Last-Event-ID` means the same thing everywhere.
 */
export function createTicker(periodMs = 1000): Observable<SseMessage> {
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
