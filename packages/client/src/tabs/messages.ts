import type { SseConnectionState } from '../fromSse.js';
import type { RawSseEvent, SseActivity, SseReset } from '../types.js';

/** An error as it crosses to another tab: its name, message and plain (string, number, boolean) fields. */
export type WireError = Record<string, string | number | boolean | undefined>;

/** A connection state as it crosses to another tab (the error of `reconnecting` as a {@link WireError}). */
export type WireState = Exclude<SseConnectionState, { status: 'reconnecting' }> | ReconnectingOnWire;
type ReconnectingOnWire = Omit<Extract<SseConnectionState, { status: 'reconnecting' }>, 'error'> & { error: WireError };

/**
 * What the tabs of a group say on their `BroadcastChannel`. The leader sends everything but `hello`;
 * a tab that joins sends `hello`, and the leader answers with its `state`.
 */
export type TabMessage =
  | { kind: 'hello' }
  /** The leader's state, and the last event id it delivered (from connection `source`): where a joining tab stands. */
  | { kind: 'state'; state: WireState; lastEventId: string; source: string }
  | { kind: 'activity'; activity: SseActivity }
  /** `own`: the event carried an `id:` of its own (its `lastEventId` changed); `source`: the leader's connection. */
  | { kind: 'event'; event: RawSseEvent; own: boolean; source: string }
  | { kind: 'reset'; reset: SseReset }
  | { kind: 'error'; error: WireError }
  | { kind: 'complete' }
  /** Sent by {@link roundTrip} and ignored by the group: its return says the channel has passed on what came before. */
  | { kind: 'sync'; token: string };

/**
 * An error reduced to what a `BroadcastChannel` can carry and a guard can still recognise: `name`,
 * `message` and its own plain fields (`status`, `code`, `lastEventId`...); objects such as
 * `response`, `headers` and `cause` stay behind.
 */
export function errorToWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const wire: WireError = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error))
    if (value === undefined || ['string', 'number', 'boolean'].includes(typeof value)) wire[key] = value;
  return wire;
}

/** The error another tab sent: an `Error` with the same name, message and plain fields. */
export function errorFromWire(wire: WireError): Error {
  return Object.assign(new Error(String(wire['message'])), wire);
}

/** A state made ready to cross: only `reconnecting` carries something (its error) that needs it. */
export function stateToWire(state: SseConnectionState): WireState {
  return state.status === 'reconnecting' ? { ...state, error: errorToWire(state.error) } : state;
}

/** A state another tab sent, its error (if any) an `Error` again. */
export function stateFromWire(state: WireState): SseConnectionState {
  return state.status === 'reconnecting' ? { ...state, error: errorFromWire(state.error) } : state;
}

/**
 * Resolves once a message `bus` posts now has come back to this tab (to another object on the same
 * channel): a channel delivers one sender's messages in order, and hands each to every tab at once,
 * so by then every tab has been handed what `bus` posted before.
 * @example
 * post({ kind: 'error', error }); // then let go of the lock only after:
 * await roundTrip(bus);
 */
export function roundTrip(bus: BroadcastChannel): Promise<void> {
  return new Promise((resolve) => {
    const here = new BroadcastChannel(bus.name);
    const token = Math.random().toString(36);
    here.onmessage = ({ data }: MessageEvent<TabMessage>) => {
      if (data.kind !== 'sync' || data.token !== token) return;
      here.close();
      resolve();
    };
    bus.postMessage({ kind: 'sync', token } satisfies TabMessage);
  });
}
