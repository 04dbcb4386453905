import { BehaviorSubject, ReplaySubject, share, type Observable } from 'rxjs';
import { fromSse, type FromSseConfig, type SseConnectionState } from './fromSse.js';
import { tabGroup } from './tabs/tabGroup.js';
import type { SseActivity, SseEventOf } from './types.js';

/**
 * What {@link connectSse} returns: one shared connection and its state.
 * @example
 * ```ts
 * import { connectSse, type SseConnection } from 'sse-rx-client';
 * const feed: SseConnection<{ tick: { n: number } }> = connectSse('/events');
 * ```
 * @public
 */
export interface SseConnection<EventMap = Record<string, unknown>> {
  /** The events, over one request shared by every subscriber: opened by the first, aborted when the last leaves. */
  readonly events$: Observable<SseEventOf<EventMap>>;
  /** The connection's state: the latest one on subscription (`closed` before any), then each change. Never completes. */
  readonly state$: Observable<SseConnectionState>;
  /**
   * Signs of life: the latest on subscription (none before the first connection), then one per
   * chunk of bytes, heartbeat comments included, with the server's announced heartbeat interval.
   * What a UI needs to tell "the model is thinking" from "the link is dead". Never completes.
   */
  readonly activity$: Observable<SseActivity>;
}

/**
 * The config of {@link connectSse}: that of {@link fromSse}, and whether the tabs of the origin share one connection.
 * @example
 * ```ts
 * import { connectSse, type ConnectSseConfig } from 'sse-rx-client';
 * const config: ConnectSseConfig = { shareAcrossTabs: true, credentials: 'include' };
 * connectSse('/events', config).events$.subscribe();
 * ```
 * @public
 */
export interface ConnectSseConfig extends FromSseConfig {
  /**
   * Share one request among every tab (window, iframe) of the origin that subscribes with the same
   * channel: `true` names the channel after the method and the absolute URL, a string names it
   * yourself. One tab holds the request (the one holding the Web Lock of that name) and relays
   * events, state, activity and resets to the others over a `BroadcastChannel`; when it leaves,
   * another takes over and resumes from the last event id the group saw. Tabs of one channel should
   * pass the same config: the leader's is the one used. Where `document`, `BroadcastChannel` or
   * `navigator.locks` is missing (Node, Deno, Bun, workers, old browsers) each `connectSse` has
   * its own request, as without the option. Cannot be combined with `pauseWhen` (`TypeError`).
   * @default false
   */
  shareAcrossTabs?: boolean | string;
}

/**
 * {@link fromSse} made ready for a UI: the events as one shared connection, and its state as an
 * Observable to bind to (a status line, a "reconnecting in 4 s" banner, an Angular signal).
 *
 * `events$` opens the request when first subscribed and aborts it when the last subscriber leaves
 * (rxjs `share()`); a later subscriber then opens a fresh one, with fresh resume state. An error
 * reaches every subscriber and resets it the same way. `state$` replays the latest state, starting
 * at `closed`, and reports `connecting`, `open`, `reconnecting`, `paused` and `closed` as they come;
 * `activity$` reports each sign of life (see {@link SseActivity}).
 * All of `fromSse`'s config applies; `onState` and `onActivity`, if given, are still called.
 * With `shareAcrossTabs`, every tab of the origin uses one request (see {@link ConnectSseConfig}).
 *
 * @example
 * ```ts
 * import { connectSse, pageHidden } from 'sse-rx-client';
 * const { events$, state$ } = connectSse<{ tick: { n: number } }>('/events', { pauseWhen: pageHidden() });
 * state$.subscribe((s) => console.log(s.status));
 * events$.subscribe();
 * events$.subscribe(); // the same request
 * // closed
 * // connecting
 * // open
 * // paused (tab hidden), connecting, open (tab shown)
 * ```
 * @param input - the URL of the stream.
 * @param config - the request fields and client options, as for {@link fromSse}, and `shareAcrossTabs` (see {@link ConnectSseConfig}).
 * @returns The shared events and the connection state, see {@link SseConnection}.
 * @public
 */
export function connectSse<EventMap = Record<string, unknown>>(
  input: string | URL,
  config: ConnectSseConfig = {},
): SseConnection<EventMap> {
  const { shareAcrossTabs = false, ...rest } = config;
  const state = new BehaviorSubject<SseConnectionState>({ status: 'closed' });
  const onState = (next: SseConnectionState): void => {
    state.next(next);
    config.onState?.(next);
  };
  const activity = new ReplaySubject<SseActivity>(1);
  const onActivity = (next: SseActivity): void => {
    activity.next(next);
    config.onActivity?.(next);
  };
  const hooked = { ...rest, onState, onActivity };
  return {
    events$: (shareAcrossTabs === false
      ? fromSse<EventMap>(input, hooked)
      : (tabGroup(input, hooked, shareAcrossTabs) as Observable<SseEventOf<EventMap>>)
    ).pipe(share()),
    state$: state.asObservable(),
    activity$: activity.asObservable(),
  };
}
