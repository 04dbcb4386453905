import { envPort, runExample } from 'sse-rx-example-support';
import { printTimes } from './client.js';
import { start } from './server.js';

// Starts the server on port 3000 (or $PORT), prints three times through the client, then serves
// until Ctrl-C.
await runExample({
  start: async () => {
    const server = await start(envPort());
    console.log(`clock streaming at ${server.url} (try: curl -N ${server.url})`);
    return server;
  },
  tour: (server) => printTimes(server.url, 3),
});
