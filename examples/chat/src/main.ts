import { messages, post } from './client.js';
import { start } from './server.js';

// Starts the chat on port 3000 (or $PORT), prints every message in the terminal, and posts a
// greeting. Open the printed URL in a few browser tabs to chat; Ctrl-C to stop.
const server = await start(Number(process.env.PORT ?? 3000));
console.log(`chat at ${server.url} (open it in a browser; Ctrl-C to stop)`);
const printing = messages(server.url).subscribe((m) => console.log(`#${m.id} ${m.from}: ${m.text}`));
await post(server.url, 'server', 'Welcome! Messages posted here reach every open tab.');
process.once('SIGINT', () => {
  printing.unsubscribe();
  void server.close();
});
