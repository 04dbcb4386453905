import { Injectable, type Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map, scan, share } from 'rxjs';
import { backOnline, connectSse, ofType, pageHidden, parseJson, type SseConnectionState } from 'sse-rx-client';
import type { Tick } from './tick';

/**
 * The tick stream (`/events`, served by `server/start.ts`) as signals. `connectSse` gives one shared connection for every component
 * that injects the service, reconnecting with `Last-Event-ID`; it pauses while the tab is hidden and
 * retries at once when the browser comes back online.
 */
@Injectable({ providedIn: 'root' })
export class TicksService {
  private readonly connection = connectSse<{ tick: Tick }>('/events', {
    pauseWhen: pageHidden(),
    reconnect: { retryNow: backOnline() },
  });

  /** `connecting`, `open`, `reconnecting`, `paused` or `closed`, for a status badge (`state$` replays the latest, so no initial value). */
  readonly status: Signal<SseConnectionState['status']> = toSignal(
    this.connection.state$.pipe(map((state) => state.status)),
    {
      requireSync: true,
    },
  );

  private readonly ticks$ = this.connection.events$.pipe(ofType('tick'), parseJson(), share());

  /** The newest tick, `undefined` until the first one arrives. */
  readonly latest: Signal<Tick | undefined> = toSignal(this.ticks$.pipe(map((event) => event.data)));

  /** The last ten ticks, newest first. */
  readonly recent: Signal<Tick[]> = toSignal(
    this.ticks$.pipe(scan((list: Tick[], event) => [event.data, ...list].slice(0, 10), [])),
    { initialValue: [] },
  );
}
