// The /tabs page's script, bundled by bundlePage (src/bundle.ts): the price stream read with
// shareAcrossTabs, whether this tab leads or follows, and how many stream connections the server holds.
import { connectSse, parseJson } from 'sse-rx-client';
import type { ResetData } from 'sse-rx-server';
import type { Tick } from '../ticker.js';
import { createPanel } from './panel.js';

/** What `GET /streams` answers. */
interface StreamCounts {
  tabs: number;
  all: number;
}

/** The most ticks the list keeps. */
const MAX_TICKS = 8;
/** How often the page asks the server how many streams it holds. */
const POLL_MS = 1000;

const panel = createPanel(document.querySelector('#tab')!, 'waiting for the Web Lock: the first tab leads');
const role = document.querySelector<HTMLElement>('#share .badge')!;
const roleDetail = document.querySelector<HTMLElement>('#share .detail')!;
const tickList = document.querySelector<HTMLElement>('#ticks .log')!;

/** Shows this tab's role: it leads once its own `fetch` sends the request; until then it follows. */
function showRole(leads: boolean): void {
  if (role.dataset.role === 'leader') return; // a leader leads until its tab closes
  role.dataset.role = leads ? 'leader' : 'follower';
  role.textContent = leads ? 'leader' : 'follower';
  roleDetail.textContent = leads
    ? 'this tab holds the request and relays every event to the other tabs'
    : 'this tab sends no request: it delivers what the leader relays';
  if (leads) panel.note('this tab leads now: it sends the request', 'you');
}

const { events$ } = connectSse<{ tick: Tick; reset: ResetData }>('/events?from=tabs', {
  shareAcrossTabs: true,
  // Only the leader's fetch is called: that is how this page tells which tab leads.
  fetch: (input, init) => {
    showRole(true);
    return fetch(input, init);
  },
  onState: (state) => {
    if (state.status === 'open') {
      showRole(false);
      panel.opened();
      panel.state('open', 'one request for every tab of this page');
    } else if (state.status === 'reconnecting') panel.state('reconnecting', `in ${state.delayMs} ms`);
    else panel.state(state.status);
  },
});

events$.pipe(parseJson()).subscribe({
  next: (event) => {
    if (event.type === 'reset') return panel.reset(`reset (${event.data.reason}): counting restarts`);
    panel.tick(event.data);
    const line = document.createElement('li');
    line.textContent = `#${event.data.n}  ${event.data.price.toFixed(2)}`;
    tickList.prepend(line);
    while (tickList.children.length > MAX_TICKS) tickList.lastElementChild!.remove();
  },
  error: (error: unknown) => {
    panel.state('closed', String(error));
    panel.note(`gave up: ${String(error)}`, 'fail');
  },
});

// The server's count: a short request each second (a stream per tab for it would defeat the purpose).
const showCount = (counts: StreamCounts) => {
  for (const [name, value] of Object.entries(counts))
    document.querySelector(`[data-streams="${name}"]`)!.textContent = String(value);
};
setInterval(() => {
  fetch('/streams')
    .then((response) => response.json() as Promise<StreamCounts>)
    .then(showCount)
    .catch(() => undefined); // the server restarts: the next poll shows it again
}, POLL_MS);
