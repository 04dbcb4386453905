/** How many streams the page opens: more than HTTP/1.1's six connections per origin. */
export const STREAMS = 12;

/**
 * The page, the same over both protocols: it opens {@link STREAMS} `EventSource`s at once and shows
 * which are open, how many events each received, and the protocol the page itself came over.
 * Over HTTP/1.1 the browser opens six connections per origin and queues the other requests until
 * one closes (an SSE stream never does); over HTTP/2 every stream shares one connection.
 * @param other - the same page over the other protocol, for comparison.
 * @returns the HTML.
 */
export function page(other: { label: string; url: string }): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>sse-rx: ${STREAMS} streams over HTTP/2</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 2rem; color: #222; }
  #summary { font-size: 1.4rem; font-weight: 600; }
  ol { display: grid; grid-template-columns: repeat(4, 12rem); gap: .5rem; padding: 0; list-style: none; }
  li { border: 1px solid #ccc; border-radius: 6px; padding: .5rem; }
  li.open { border-color: #2a7; background: #efe; }
  li.connecting { border-color: #c90; background: #ffd; }
</style>
<h1>${STREAMS} Server-Sent Event streams, one page</h1>
<p>This page came over <b id="protocol">?</b>.</p>
<p id="summary" data-open="0">0 of ${STREAMS} streams open</p>
<p>Compare: <a href="${other.url}">the same page over ${other.label}</a>.</p>
<ol id="streams"></ol>
<script>
  const list = document.getElementById('streams');
  const summary = document.getElementById('summary');
  document.getElementById('protocol').textContent =
    performance.getEntriesByType('navigation')[0]?.nextHopProtocol || 'unknown';
  const streams = [];
  function render() {
    const open = streams.filter((s) => s.source.readyState === EventSource.OPEN).length;
    summary.dataset.open = String(open);
    summary.textContent = open + ' of ${STREAMS} streams open' +
      (open < ${STREAMS} ? ' (the others wait for a free connection)' : ' at once');
    for (const s of streams) {
      const state = s.source.readyState === EventSource.OPEN ? 'open' : 'connecting';
      s.item.className = state;
      s.item.textContent = 'stream ' + s.i + ': ' + state + ', ' + s.events + ' events';
      s.item.dataset.events = String(s.events);
    }
  }
  for (let i = 1; i <= ${STREAMS}; i++) {
    const item = document.createElement('li');
    list.append(item);
    const s = { i, item, events: 0, source: new EventSource('/events/' + i) };
    s.source.onopen = render;
    s.source.onerror = render;
    s.source.addEventListener('tick', () => { s.events++; render(); });
    streams.push(s);
  }
  render();
  // Tests close the streams before leaving.
  window.closeStreams = () => streams.forEach((s) => s.source.close());
</script>
</html>
`;
}
