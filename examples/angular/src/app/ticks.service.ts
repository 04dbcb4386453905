import { Injectable, type Signal, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map, scan, share } from 'rxjs';
import { fromSse, ofType, parseJson, type SseConnectionState } from 'sse-rx-client';

/** One tick of the demo server (`pnpm demo`). */
export interface Tick {
  n: number;
  time: string;
  price: number;
}

/**
 * The demo's tick stream as signals. One shared connection for every component that injects the
 * service (`share()` with its default `resetOnRefCountZero`), reconnecting with `Last-Event-ID`.
 */
@Injectable({ providedIn: 'root' })
export class TicksService {
  private readonly state = signal<SseConnectionState['status']>('connecting');

  /** The connection state (`connecting`, `open`, `reconnecting`, `closed`), for a status badge. */
  readonly status: Signal<SseConnectionState['status']> = this.state.asReadonly();

  private readonly ticks$ = fromSse<{ tick: Tick }>('/events', undefined, {
    onState: (state) => this.state.set(state.status),
  }).pipe(ofType('tick'), parseJson(), share());

  /** The newest tick, `undefined` until the first one arrives. */
  readonly latest: Signal<Tick | undefined> = toSignal(this.ticks$.pipe(map((event) => event.data)));

  /** The last ten ticks, newest first. */
  readonly recent: Signal<Tick[]> = toSignal(
    this.ticks$.pipe(scan((list: Tick[], event) => [event.data, ...list].slice(0, 10), [])),
    { initialValue: [] },
  );
}
