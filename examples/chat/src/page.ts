/** The browser client: the native EventSource (which resends Last-Event-ID on its own) and a form. */
export const page = `<!doctype html>
<meta charset="utf-8">
<title>sse-rx chat</title>
<h1>sse-rx chat</h1>
<ul id="messages"></ul>
<form id="form">
  <input id="from" placeholder="name" value="guest" size="10">
  <input id="text" placeholder="message" autofocus autocomplete="off">
  <button>Send</button>
</form>
<p id="state">connecting...</p>
<script>
  const list = document.getElementById('messages');
  const state = document.getElementById('state');
  const source = new EventSource('/events');
  source.onopen = () => (state.textContent = 'connected');
  source.onerror = () => (state.textContent = 'reconnecting...');
  source.addEventListener('chat', (event) => {
    const { from, text, at } = JSON.parse(event.data);
    const item = document.createElement('li');
    item.textContent = '#' + event.lastEventId + ' ' + at.slice(11, 19) + ' ' + from + ': ' + text;
    list.append(item);
  });
  document.getElementById('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = document.getElementById('text');
    const from = document.getElementById('from').value;
    await fetch('/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, text: text.value }) });
    text.value = '';
  });
</script>
`;
