/** The demo page: the same stream through sse-rx-client (left) and the browser's EventSource (right). */
export const page = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>sse-rx demo</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 2rem; color: #222; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
  section { border: 1px solid #ccc; border-radius: 8px; padding: 1rem; }
  h2 { margin-top: 0; font-size: 1.1rem; }
  .state { font-weight: 600; }
  ol { font-family: ui-monospace, monospace; padding-left: 1.5rem; }
</style>
<h1>sse-rx demo</h1>
<p>One <code>sse-rx-server</code> stream at <code>/events</code>, read two ways.</p>
<main>
  <section id="rx"><h2>sse-rx-client (<code>fromSse</code>)</h2><p>state: <span class="state">connecting</span></p><ol></ol></section>
  <section id="native"><h2>native <code>EventSource</code></h2><p>state: <span class="state">connecting</span></p><ol></ol></section>
</main>
<script src="/client.js"></script>
<script>
  function show(panel, tick, lastEventId) {
    const list = document.querySelector('#' + panel + ' ol');
    const item = document.createElement('li');
    item.textContent = '#' + tick.n + '  ' + tick.time.slice(11, 19) + '  price ' + tick.price.toFixed(2) + '  (id ' + lastEventId + ')';
    list.prepend(item);
    while (list.children.length > 10) list.lastChild.remove();
  }
  function state(panel, text) { document.querySelector('#' + panel + ' .state').textContent = text; }

  const { fromSse, ofType, parseJson } = sseRx;
  fromSse('/events', { onState: (s) => state('rx', s.status + (s.attempt ? ' (attempt ' + s.attempt + ')' : '')) })
    .pipe(ofType('tick'), parseJson())
    .subscribe((e) => show('rx', e.data, e.lastEventId));

  const source = new EventSource('/events');
  source.onopen = () => state('native', 'open');
  source.onerror = () => state('native', 'reconnecting');
  source.addEventListener('tick', (e) => show('native', JSON.parse(e.data), e.lastEventId));
</script>
</html>
`;
