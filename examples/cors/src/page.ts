/**
 * The page served by origin A: it opens the stream of origin B with `withCredentials`, so the
 * browser sends the `session` cookie and requires `access-control-allow-credentials: true`.
 * @param streamUrl - the stream's URL on origin B.
 * @returns the HTML.
 */
export function page(streamUrl: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>sse-rx cors</title>
<h1>Stream from ${streamUrl}</h1>
<ul id="events"></ul>
<script>
  const list = document.getElementById('events');
  const source = new EventSource(${JSON.stringify(streamUrl)}, { withCredentials: true });
  const show = (text) => list.append(Object.assign(document.createElement('li'), { textContent: text }));
  source.addEventListener('hello', (event) => show('hello: ' + event.data));
  source.addEventListener('tick', (event) => show('tick ' + event.data));
  source.onerror = () => show('error (refused, or reconnecting)');
</script>
`;
}
