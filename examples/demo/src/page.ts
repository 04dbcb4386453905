/** The demo pages' stylesheet (a `<style>` element): the main page's and /tabs'. */
export const style = `<style>
  :root { --ink: #1d2433; --muted: #5c6578; --line: #d9dee8; --card: #fff; --bg: #f4f6fa;
    --connecting: #f0b429; --open: #2f9e44; --reconnecting: #e8590c; --paused: #868e96; --closed: #c92a2a; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: var(--ink); background: var(--bg); }
  header { padding: 18px 28px 6px; }
  h1 { margin: 0 0 4px; font-size: 24px; }
  h1 span { color: var(--muted); font-weight: 400; font-size: 16px; }
  .lede { margin: 0; color: var(--muted); max-width: 1100px; }
  code, pre { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; }
  #controls { display: flex; flex-wrap: wrap; gap: 8px; padding: 10px 28px; align-items: center; }
  #controls .label { color: var(--muted); margin-right: 4px; }
  button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #b8c0d0; background: #fff; cursor: pointer; }
  button:hover { background: #eef2f8; }
  button[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
  #controls button.hurt { border-color: #e0a3a3; }
  .card, .panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
  h2 { margin: 0 0 8px; font-size: 16px; }
  h2 small { color: var(--muted); font-weight: 400; font-size: 13px; }
  .grid { display: grid; gap: 14px; padding: 0 28px 14px; }
  .two { grid-template-columns: 1fr 1fr; }
  #chart { width: 100%; height: 190px; display: block; }
  .status { margin: 0 0 8px; min-height: 24px; }
  .badge { display: inline-block; padding: 1px 9px; border-radius: 999px; color: #fff; font-size: 12px; font-weight: 600; background: var(--paused); }
  .badge[data-state="connecting"] { background: var(--connecting); color: #3b2a00; }
  .badge[data-state="open"] { background: var(--open); }
  .badge[data-state="reconnecting"] { background: var(--reconnecting); }
  .badge[data-state="paused"] { background: var(--paused); }
  .badge[data-state="closed"] { background: var(--closed); }
  .detail { color: var(--muted); }
  .timeline { position: relative; height: 22px; background: #eceff4; border-radius: 4px; overflow: hidden; }
  .timeline div { position: absolute; top: 0; bottom: 0; }
  .timeline .connecting { background: var(--connecting); }
  .timeline .open { background: var(--open); }
  .timeline .reconnecting { background: var(--reconnecting); }
  .timeline .paused { background: var(--paused); }
  .timeline .closed { background: var(--closed); }
  .axis { display: flex; justify-content: space-between; color: var(--muted); font-size: 11px; margin: 2px 0 8px; }
  .legend i { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin: 0 3px 0 8px; vertical-align: -1px; }
  .legend .connecting { background: var(--connecting); } .legend .open { background: var(--open); }
  .legend .reconnecting { background: var(--reconnecting); } .legend .paused { background: var(--paused); }
  .legend .closed { background: var(--closed); }
  .counters { display: grid; grid-template-columns: repeat(5, 1fr); gap: 8px; margin: 0 0 8px; }
  .counters div { background: #f7f8fb; border-radius: 6px; padding: 4px 8px; }
  .counters dt { color: var(--muted); font-size: 12px; }
  .counters dd { margin: 0; font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
  .counters .bad dd { color: var(--open); }
  .counters .bad dd.nonzero { color: var(--closed); }
  .log { margin: 0; padding: 0; list-style: none; font-size: 12.5px; height: 168px; overflow: hidden; }
  .log li { height: 21px; line-height: 20px; border-top: 1px solid #f0f2f6; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .log time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
  .log .you { font-weight: 600; }
  .log .good { color: #1e7a34; }
  .log .warn { color: #b3470b; }
  .log .fail { color: var(--closed); }
  .clients { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
  .client { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
  .client h3 { margin: 0 0 4px; font-size: 14px; }
  .client .label { margin: 6px 0 2px; color: var(--muted); font-size: 12px; }
  .present { display: flex; gap: 6px; list-style: none; padding: 0; margin: 0; min-height: 22px; flex-wrap: wrap; }
  .present li { background: #e7f5ec; color: #1e7a34; border-radius: 999px; padding: 0 8px; font-size: 12.5px; }
  .items { margin: 0; padding-left: 20px; min-height: 20px; font-size: 13px; }
  .client p:last-child { margin: 8px 0 0; }
  #wire pre { margin: 0; font-size: 12px; background: #101726; color: #d6deeb; border-radius: 8px; padding: 10px 12px; min-height: 262px; white-space: pre-wrap; word-break: break-all; }
  #wire .eol { color: #6b7a99; }
  #wire .field { color: #82aaff; }
  #wire .comment { color: #7fdbca; }
  #wire .head { color: #ffcb6b; }
  .note { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
  .badge[data-role="leader"] { background: var(--ink); }
  .badge[data-role="follower"] { background: #4c6ef5; }
  .big { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
</style>`;

/** A panel of a page: one client of the price stream, its state over time and its counters. */
export const panel = (id: string, title: string, subtitle: string, extra = '') => `
  <section id="${id}" class="panel">
    <h2>${title} <small>${subtitle}</small></h2>
    <p class="status"><span class="badge" data-state="connecting">connecting</span> <span class="detail"></span>${extra}</p>
    <div class="timeline" aria-label="connection state over the last 60 seconds"></div>
    <div class="axis"><span>60 s ago</span><span class="legend"><i class="connecting"></i>connecting <i class="open"></i>open <i class="reconnecting"></i>reconnecting <i class="paused"></i>paused <i class="closed"></i>closed</span><span>now</span></div>
    <dl class="counters">
      <div title="tick events delivered to the app"><dt>received</dt><dd data-counter="received">0</dd></div>
      <div title="connections opened after the first"><dt>reconnects</dt><dd data-counter="reconnects">0</dd></div>
      <div title="ticks made before the connection that delivered them opened: replayed from Last-Event-ID"><dt>resumed</dt><dd data-counter="resumed">0</dd></div>
      <div class="bad" title="tick numbers skipped"><dt>lost</dt><dd data-counter="lost">0</dd></div>
      <div class="bad" title="tick numbers seen again"><dt>duplicated</dt><dd data-counter="duplicated">0</dd></div>
    </dl>
    <ol class="log" aria-label="what happened"></ol>
  </section>`;

/** A client of the broadcast scene. */
const roomClient = (name: string) => `
  <div class="client" data-client="${name}">
    <h3>${name} <span class="badge" data-state="connecting">connecting</span></h3>
    <p class="label">here now</p><ul class="present"></ul>
    <p class="label">shared list</p><ol class="items"></ol>
    <p><button data-room="add">Add an item</button> <button data-room="leave">Leave</button></p>
  </div>`;

/**
 * The demo page: the controls that hurt the stream, a live chart, the two clients side by side,
 * the broadcast scene and the wire bytes. Its script is `/app.js` (src/browser/app.ts bundled).
 */
export const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sse-rx demo</title>
${style}
</head>
<body>
<header>
  <h1>sse-rx demo <span>one price stream, two clients, six ways to hurt it</span></h1>
  <p class="lede">An <code>sse-rx-server</code> stream of numbered price ticks, read by <b>sse-rx-client</b>
  (left) and the browser's native <b>EventSource</b> (right). Press a button and watch what each does.
  Both count gaps and repeats from the tick numbers (<code>n</code> in each event).
  Then <a href="/tabs" target="_blank">open /tabs in 8 tabs</a>: one connection for all of them.</p>
</header>
<nav id="controls">
  <span class="label">Hurt it:</span>
  <button class="hurt" data-action="cut">Cut the connection</button>
  <button class="hurt" data-action="restart">Restart the server process</button>
  <button class="hurt" data-action="unavailable">Answer 503 + Retry-After</button>
  <button class="hurt" data-action="error">Send a server error event</button>
  <button data-toggle="offline" aria-pressed="false">Go offline</button>
  <button data-toggle="hidden" aria-pressed="false">Hide the page</button>
</nav>
<div class="grid">
  <section class="card"><h2>Live price <small>drawn from each tick as sse-rx-client delivers it: orange lines are your presses, green ones reconnects; a missing tick would break the line</small></h2>
    <canvas id="chart"></canvas></section>
</div>
<main class="grid two">
  ${panel('rx', 'sse-rx-client', "fromSse('/events', { pauseWhen, reconnect: { maxDelayMs: 8000, retryNow } })")}
  ${panel('native', 'native EventSource', "new EventSource('/events')", ' <button data-native="reopen" hidden>new EventSource</button>')}
</main>
<div class="grid two">
  <section id="room" class="card"><h2>Broadcast <small>two clients of <code>/room</code>: a shared list, and who is here, sent to everyone</small></h2>
    <div class="clients">${roomClient('Ada')}${roomClient('Bo')}</div>
    <p class="note">Each is its own <code>fromSse</code> connection. On the server, the list and the names are
    <code>BehaviorSubject</code>s: a client gets the current values when it joins, then every change; when it
    leaves, <code>sendEvents</code> unsubscribes it and everyone sees it go.</p>
  </section>
  <section id="wire" class="card"><h2>On the wire <small>the last bytes sse-rx-client read, exactly (↵ is a line feed)</small></h2>
    <pre></pre>
  </section>
</div>
<script src="/app.js"></script>
</body>
</html>
`;
