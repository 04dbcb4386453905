import { Observable, type Subscription } from 'rxjs';
import { type FromSseConfig, fromSse, type SseConnectionState } from '../fromSse.js';
import type { RawSseEvent, SseActivity } from '../types.js';
import { errorFromWire, errorToWire, roundTrip, stateFromWire, stateToWire, type TabMessage } from './messages.js';
import { RecentIds } from './recentIds.js';

/**
 * The events of `input` for one tab of a group: every tab of the origin that subscribes with the
 * same channel name shares one request. Each tab asks for the Web Lock named after the channel; the
 * one that holds it (the leader) runs {@link fromSse} and relays its events, state, activity, resets
 * and end over a `BroadcastChannel`; the others deliver what it relays. When the leader leaves
 * (unsubscribes, navigates, closes), the lock passes to the tab that waited longest, which resumes
 * from the last event id it saw; events whose id a tab delivered already from another connection
 * are dropped. Outside a document with both APIs, this is `fromSse` itself.
 * @param input - the URL of the stream.
 * @param config - as for `fromSse`; `onState`, `onActivity` and `onReset` are called in every tab.
 * @param channel - the group's name: `true` for one derived from the method and the absolute URL.
 * @returns A cold Observable: each subscription is one membership of the group.
 */
export function tabGroup(input: string | URL, config: FromSseConfig, channel: true | string): Observable<RawSseEvent> {
  if (config.pauseWhen)
    throw new TypeError(
      "connectSse: pauseWhen cannot be combined with shareAcrossTabs (one tab's signal would pause every tab's connection); leave one of them out",
    );
  if (channel === '') throw new TypeError('connectSse: shareAcrossTabs must be true or a non-empty channel name');
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (typeof document === 'undefined' || !locks || typeof BroadcastChannel !== 'function')
    return fromSse(input, config);
  const name = `sse-rx:${channel === true ? `${config.method ?? 'GET'} ${new URL(input, document.baseURI)}` : channel}`;
  const { onState, onActivity, onReset } = config;
  return new Observable<RawSseEvent>((subscriber) => {
    const bus = new BroadcastChannel(name);
    const post = (message: TabMessage): void => bus.postMessage(message);
    const seen = new RecentIds();
    /** The last event id delivered in the group, as far as this tab knows: where it resumes if it leads. */
    let position = config.lastEventId ?? '';
    let delivered = false;
    let current: SseConnectionState = { status: 'closed' };
    const report = (state: SseConnectionState): void => {
      // Not a change: the leader's answer to another tab's hello, or a tab that starts to lead after waiting in `connecting`.
      if (isSameState(state, current)) return;
      current = state;
      onState?.(state);
    };
    /** Delivers `event` unless another connection already delivered its id. */
    const deliver = (event: RawSseEvent, own: boolean, from: string): void => {
      if (own && event.lastEventId !== '' && seen.repeats(event.lastEventId, from)) return;
      position = event.lastEventId;
      delivered = true;
      subscriber.next(event);
    };

    let leading: Subscription | undefined;
    /** This tab's connection, named in what it relays, once it leads. */
    let source = '';
    let lastActivity: SseActivity | undefined;
    /** Set when this tab's connection ended the group: the lock passes on once every tab has been told. */
    let told: Promise<void> | undefined;
    /** Relays the group's end (`error` or `complete`), and starts making sure every tab has it. */
    const tell = (end: TabMessage): void => {
      post(end);
      told = roundTrip(bus);
    };
    const lead = (): Subscription => {
      source = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      let previousId = position;
      return fromSse(input, {
        ...config,
        lastEventId: position,
        onState: (state) => {
          if (state.status === 'closed') return; // this tab leaving is not the group closing
          report(state);
          post({ kind: 'state', state: stateToWire(state), lastEventId: position, source });
        },
        onActivity: (activity) => {
          lastActivity = activity;
          onActivity?.(activity);
          post({ kind: 'activity', activity });
        },
        onReset: (reset) => {
          onReset?.(reset);
          post({ kind: 'reset', reset });
        },
      }).subscribe({
        next: (event) => {
          const own = event.lastEventId !== previousId;
          previousId = event.lastEventId;
          // Relayed even when this tab drops it: a follower that has not seen it yet must get it.
          post({ kind: 'event', event, own, source });
          deliver(event, own, source);
        },
        error: (error: unknown) => {
          tell({ kind: 'error', error: errorToWire(error) });
          subscriber.error(error);
        },
        complete: () => {
          tell({ kind: 'complete' });
          subscriber.complete();
        },
      });
    };

    bus.onmessage = ({ data: message }: MessageEvent<TabMessage>) => {
      switch (message.kind) {
        case 'hello':
          if (leading) {
            post({ kind: 'state', state: stateToWire(current), lastEventId: position, source });
            if (lastActivity) post({ kind: 'activity', activity: lastActivity });
          }
          return;
        case 'state':
          if (leading) return;
          // A tab that joined learns the group's position, and takes its id as delivered (a new leader
          // may resume from before it); one that delivered events knows better.
          if (!delivered) {
            position = message.lastEventId;
            if (position !== '') seen.repeats(position, message.source);
          }
          return report(stateFromWire(message.state));
        case 'activity':
          // The leader's answer to another tab's hello repeats what this tab has.
          if (leading || message.activity.atMs === lastActivity?.atMs) return;
          lastActivity = message.activity;
          return onActivity?.(message.activity);
        case 'event':
          return deliver(message.event, message.own, message.source);
        case 'reset':
          return onReset?.(message.reset);
        case 'error':
          return subscriber.error(errorFromWire(message.error));
        case 'complete':
          return subscriber.complete();
        case 'sync':
          return;
      }
    };

    report({ status: 'connecting' });
    post({ kind: 'hello' });
    const quit = new AbortController();
    let release = (): void => {};
    locks
      .request(name, { signal: quit.signal }, async () => {
        // What the last leader said before it let go (the group's end, say) arrives before this tab decides.
        if (!subscriber.closed) await roundTrip(bus);
        // Held until this tab leaves; `release` is set first, so an end while starting to lead releases it too.
        return new Promise<void>((resolve) => {
          release = resolve;
          if (subscriber.closed) resolve();
          else leading = lead();
        });
      })
      .catch((error: unknown) => {
        // Leaving before this tab's turn aborts the request: that is no failure.
        if (!quit.signal.aborted) subscriber.error(error);
      });

    return () => {
      quit.abort();
      leading?.unsubscribe(); // abort the request before the next leader sends its own
      if (told) void told.then(() => release());
      else release();
      bus.close();
      report({ status: 'closed' });
    };
  });
}

/** Whether `a` says nothing new after `b`: the same status (and for `reconnecting`, the same attempt). */
function isSameState(a: SseConnectionState, b: SseConnectionState): boolean {
  if (a.status === 'reconnecting') return b.status === 'reconnecting' && a.attempt === b.attempt;
  return a.status === b.status;
}
