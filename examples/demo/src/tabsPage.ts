import { panel, style } from './page.js';

/**
 * The demo's second page (`/tabs`): the price stream read with `connectSse(…, { shareAcrossTabs: true })`,
 * so every tab of it shares one request. Its script is `/tabs.js` (src/browser/tabs.ts bundled).
 */
export const tabsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sse-rx demo: one connection for every tab</title>
${style}
</head>
<body>
<header>
  <h1>sse-rx demo <span>one connection for every tab</span></h1>
  <p class="lede">Open this page in 8 tabs. Each tab reads the price stream with
  <code>connectSse('/events?from=tabs', { shareAcrossTabs: true })</code>: one tab, the leader, holds the
  request and relays every event to the others (Web Locks + <code>BroadcastChannel</code>). Without it, a browser
  opens at most six connections to one host and the seventh tab hangs in connecting. Close the leader's tab:
  another one takes over and resumes with <code>Last-Event-ID</code>, and no tab loses or repeats a tick.
  <a href="/">Back to the demo</a></p>
</header>
<div class="grid two">
  <section id="share" class="card"><h2>This tab <small>and what the server holds</small></h2>
    <p class="status"><span class="badge" data-role="waiting">waiting</span> <span class="detail">for the Web Lock</span></p>
    <p>Stream connections the server holds for <code>/tabs</code> pages, however many are open:
    <span class="big" data-streams="tabs">?</span></p>
    <p class="note">All pages of the demo together: <span data-streams="all">?</span> (each open main page adds two: its two clients).
    Counted by the server, read from <code>GET /streams</code> every second.</p>
  </section>
  <section id="ticks" class="card"><h2>Last ticks <small>as this tab delivers them</small></h2>
    <ol class="log"></ol>
  </section>
</div>
<main class="grid">
  ${panel('tab', 'sse-rx-client', "connectSse('/events?from=tabs', { shareAcrossTabs: true })")}
</main>
<script src="/tabs.js"></script>
</body>
</html>
`;
