import { envPort, runExample } from 'sse-rx-example-support';
import { messages, post } from './client.js';
import { start } from './server.js';

// Starts the chat on port 3000 (or $PORT), prints every message in the terminal, and posts a
// greeting. Open the printed URL in a few browser tabs to chat; Ctrl-C to stop.
await runExample({
  start: async () => {
    const server = await start(envPort());
    console.log(`chat at ${server.url} (open it in a browser)`);
    return server;
  },
  tour: async (server) => {
    messages(server.url).subscribe((m) => console.log(`#${m.id} ${m.from}: ${m.text}`));
    await post(server.url, 'server', 'Welcome! Messages posted here reach every open tab.');
  },
});
