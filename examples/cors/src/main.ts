import { envPort, runExample } from 'sse-rx-example-support';
import { start } from './server.js';

// Starts the page on port 3000 (or $PORT) and the stream on the next port; open the page in a
// browser. Ctrl-C to stop.
await runExample({
  start: async () => {
    const running = await start(envPort());
    console.log(`page (origin A):   ${running.url}`);
    console.log(`stream (origin B): ${running.streamUrl}`);
    console.log(`refused: curl -i -H 'origin: http://evil.example' ${running.streamUrl}`);
    return running;
  },
});
