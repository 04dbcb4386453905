// The demo page's script, bundled by bundleApp (src/bundle.ts): the same price stream read by sse-rx-client
// and by the native EventSource, the buttons that hurt it, the broadcast scene and the wire bytes.
import { BehaviorSubject, combineLatest, filter, map, merge } from 'rxjs';
import {
  backOnline,
  fromSse,
  isSseHttpError,
  isSseServerError,
  networkOffline,
  pageHidden,
  parseJson,
} from 'sse-rx-client';
import type { ResetData } from 'sse-rx-server';
import type { Tick } from '../ticker.js';
import { createChart } from './chart.js';
import { createPanel } from './panel.js';
import { bindRoomClient } from './roomClient.js';
import { createWireView } from './wireView.js';

/** The data of the contract's `event: error` (sse-rx-client turns it into an `SseServerError`). */
interface ServerErrorData {
  status?: number;
  message: string;
  retryable: boolean;
}

const rx = createPanel(document.querySelector('#rx')!);
const native = createPanel(document.querySelector('#native')!);
const chart = createChart(document.querySelector('#chart')!);
const offline = new BehaviorSubject(false);
const hidden = new BehaviorSubject(false);

// --- sse-rx-client -------------------------------------------------------------------------------
const anyTrue = (values: boolean[]) => values.some(Boolean);
let opens = 0;
fromSse<{ tick: Tick; reset: ResetData }>('/events', {
  // Paused while the tab is hidden, the browser is offline, or the page's own toggles say so.
  pauseWhen: combineLatest([pageHidden(), networkOffline(), hidden, offline]).pipe(map(anyTrue)),
  // Back online: reconnect now rather than wait out the backoff; and never wait more than 8 s here.
  reconnect: { maxDelayMs: 8000, retryNow: merge(backOnline(), offline.pipe(filter((value) => !value))) },
  fetch: createWireView(document.querySelector('#wire pre')!),
  onState: (state) => {
    if (state.status === 'reconnecting') {
      const why = describe(state.error);
      rx.state('reconnecting', `in ${(state.delayMs / 1000).toFixed(1)} s, attempt ${state.attempt}: ${why}`);
      rx.note(`${why}: retry in ${state.delayMs} ms (attempt ${state.attempt})`, 'warn');
    } else if (state.status === 'open') {
      if (opens++ > 0) chart.mark();
      rx.opened();
      rx.state('open', 'Last-Event-ID resumes each reconnect');
    } else if (state.status === 'paused') {
      rx.state('paused', 'no request while paused; resumes with Last-Event-ID');
      rx.note('paused: request aborted, nothing retried', 'warn');
    } else rx.state(state.status);
  },
})
  .pipe(parseJson())
  .subscribe({
    next: (event) => {
      if (event.type === 'tick') {
        rx.tick(event.data);
        chart.add({ n: event.data.n, price: event.data.price });
      } else rx.reset(`reset (${event.data.reason}): the server could not resume; counting restarts`);
    },
    error: (error: unknown) => {
      rx.state('closed', describe(error));
      rx.note(`gave up: ${describe(error)}`, 'fail');
    },
  });

/** A line that says what went wrong. */
function describe(error: unknown): string {
  if (isSseHttpError(error)) {
    const retryAfter = error.headers.get('retry-after');
    return `HTTP ${error.status}${retryAfter ? ` with Retry-After: ${retryAfter}` : ''}`;
  }
  if (isSseServerError(error))
    return `typed SseServerError ${error.status ?? ''} "${error.message}" (${error.retryable ? 'retryable' : 'final'})`;
  const { name } = (error ?? {}) as { name?: unknown };
  if (name === 'SseStreamEndedError') return 'the server ended the stream';
  if (name === 'SseNetworkError') return 'connection lost';
  return String(name ?? error);
}

// --- native EventSource ----------------------------------------------------------------------------
const reopen = document.querySelector<HTMLButtonElement>('[data-native="reopen"]')!;
function openNative(fresh = false): void {
  const source = new EventSource('/events');
  native.state('connecting');
  source.onopen = () => {
    native.opened(fresh ? 'open: a new EventSource sends no Last-Event-ID, so it starts from now' : undefined);
    fresh = false;
    native.state('open', 'sends Last-Event-ID by itself on reconnect');
  };
  source.addEventListener('tick', (event) => native.tick(JSON.parse(event.data) as Tick));
  source.addEventListener('reset', () => native.reset('reset: the server could not resume; counting restarts'));
  // Connection failures and the server's `event: error` arrive at the same handler.
  source.onerror = (event) => {
    if (event instanceof MessageEvent) {
      const data = JSON.parse(event.data as string) as ServerErrorData;
      native.note(`onerror got a MessageEvent "${data.message}": the same handler as a network error`, 'warn');
    } else if (source.readyState === EventSource.CLOSED) {
      native.state('closed', 'gave up for good: a non-200 answer is final for EventSource');
      native.note('gave up: the 503 is final; no retry, Retry-After ignored', 'fail');
      reopen.hidden = false;
    } else {
      native.state('reconnecting', 'after the server’s retry: 1000 ms, always the same delay');
      native.note('onerror: no reason given; retry in 1000 ms (no backoff)', 'warn');
    }
  };
}
reopen.addEventListener('click', () => {
  reopen.hidden = true;
  native.note('you opened a new EventSource', 'you');
  openNative(true);
});
openNative();

// --- the buttons ----------------------------------------------------------------------------------------
const pressed: Record<string, string> = {
  cut: 'you cut the connection (server destroyed the sockets)',
  restart: 'you restarted the server process (killed, forked again)',
  unavailable: 'you made the server answer 503 + Retry-After: 2 (4 s, and once to each client)',
  error: 'you made the server send event: error',
};
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-action]')) {
  const action = button.dataset.action!;
  button.addEventListener('click', () => {
    for (const panel of [rx, native]) panel.note(pressed[action]!, 'you');
    chart.mark(button.textContent!.toLowerCase());
    void fetch(`/control/${action}`, { method: 'POST' }).catch(() => undefined);
  });
}
const toggles: Record<string, { subject: BehaviorSubject<boolean>; on: string; off: string }> = {
  offline: { subject: offline, on: 'Back online', off: 'Go offline' },
  hidden: { subject: hidden, on: 'Show the page', off: 'Hide the page' },
};
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-toggle]')) {
  const toggle = toggles[button.dataset.toggle!]!;
  button.addEventListener('click', () => {
    const on = !toggle.subject.value;
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? toggle.on : toggle.off;
    rx.note(`you pressed "${on ? toggle.off : toggle.on}"`, 'you');
    native.note(on ? 'EventSource has no pause: it keeps its connection' : `you pressed "${toggle.on}"`, 'you');
    toggle.subject.next(on);
  });
}

// --- broadcast ------------------------------------------------------------------------------------------
for (const client of document.querySelectorAll<HTMLElement>('#room [data-client]')) bindRoomClient(client);
