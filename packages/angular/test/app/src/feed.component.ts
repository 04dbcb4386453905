import { provideHttpClient, withFetch } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  createEnvironmentInjector,
  DestroyRef,
  EnvironmentInjector,
  effect,
  InjectionToken,
  inject,
  signal,
} from '@angular/core';
import { map, scan } from 'rxjs';
import { sseResource } from 'sse-rx-angular';
import { ofType, parseJson } from 'sse-rx-client';

/** Where the stream is: `location.origin` in the browser, the test server's origin on the server. */
export const API_ORIGIN = new InjectionToken<string>('API_ORIGIN');

/** One event of the test stream (`event: tick`, id `n`). */
export interface Tick {
  room: string;
  n: number;
}

/** The room's ticks as an sseResource: its status, its last ticks, its error; buttons change the room and reload. */
@Component({
  selector: 'app-feed',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p id="status">status: {{ feed.status() }}</p>
    <p id="history">{{ history().join(' ') }}</p>
    <p id="room">room: {{ room() }}</p>
    <p id="ticks">{{ ticksText() }}</p>
    <p id="error">{{ feed.error()?.name ?? 'no error' }}</p>
    <button id="room-b" (click)="room.set('b')">room b</button>
    <button id="room-locked" (click)="room.set('locked')">room locked</button>
    <button id="reload" (click)="feed.reload()">reload</button>
    <p id="bare">{{ bareFeed.status() }} {{ bareError() }}</p>
    <button id="bare-start" (click)="bareStarted.set(true)">without sseRxInterceptor</button>
  `,
})
export class FeedComponent {
  private readonly origin = inject(API_ORIGIN);
  readonly room = signal('a');
  readonly feed = sseResource({
    params: () => ({ room: this.room() }),
    url: ({ room }) => `${this.origin}/api/events?room=${room}`,
    stream: ({ events$ }) =>
      events$.pipe(
        ofType('tick'),
        parseJson<Tick>(),
        map((event) => event.data),
        scan((list: Tick[], tick) => [...list, tick].slice(-5), []),
      ),
    defaultValue: [],
  });
  /** An injector whose HttpClient lacks sseRxInterceptor: a misconfigured app. */
  private readonly bare = createEnvironmentInjector([provideHttpClient(withFetch())], inject(EnvironmentInjector));
  readonly bareStarted = signal(false);
  readonly bareFeed = sseResource({
    params: () => (this.bareStarted() ? {} : undefined),
    url: `${this.origin}/api/events?room=bare`,
    stream: ({ events$ }) => events$,
    injector: this.bare,
  });
  protected readonly bareError = computed(() => {
    const error = this.bareFeed.error();
    return error === undefined ? '' : `${error.name}: ${error.cause instanceof Error ? error.cause.message : ''}`;
  });
  /** Every status the page showed, in order (repeats dropped). */
  readonly history = signal<string[]>([]);
  protected readonly ticksText = () =>
    this.feed
      .value()
      .map((tick) => `${tick.room}${tick.n}`)
      .join(' ');

  constructor() {
    inject(DestroyRef).onDestroy(() => this.bare.destroy());
    effect(() => {
      const status = this.feed.status();
      this.history.update((list) => (list.at(-1) === status ? list : [...list, status]));
    });
  }
}
