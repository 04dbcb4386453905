import { interval, type Subscription } from 'rxjs';
import type { JournalStore } from './journalStore.js';

/** One price tick of the demo: its number in the stream, when the server made it, a made-up price. */
export interface Tick {
  /** 1, 2, 3...: equal to the number in the event's id, so a client can count gaps and repeats. */
  n: number;
  /** The server's clock when the tick was made, in milliseconds since the epoch. */
  time: number;
  price: number;
}

/**
 * Appends a price tick to `store` every `periodMs`, continuing the journal's numbering and price
 * (after a restart the next tick is the one after the last kept, never #1 again).
 * @param store - where the ticks go; every client is served from it.
 * @param periodMs - the time between ticks.
 * @returns the running ticker: unsubscribe to stop it.
 */
export function startTicker(store: JournalStore, periodMs: number): Subscription {
  const last = store.last();
  let previous: Tick = last?.data ? (JSON.parse(last.data) as Tick) : { n: 0, time: 0, price: 100 };
  return interval(periodMs).subscribe(() => {
    // A random walk with a slow swing, so the chart has a shape.
    const drift = Math.sin(previous.n / 40) * 0.08;
    const price = Math.max(1, previous.price + drift + (Math.random() - 0.5) * 0.6);
    previous = { n: previous.n + 1, time: Date.now(), price: Math.round(price * 100) / 100 };
    void store.append({ event: 'tick', data: JSON.stringify(previous) });
  });
}
