import { envPort, runExample } from 'sse-rx-example-support';
import { firstTicks } from './client.js';
import { start } from './server.js';

// Starts the four servers on ports 3000-3003 (or from $PORT), reads three ticks from each, then
// serves until Ctrl-C.
await runExample({
  start: () => start(envPort()),
  tour: async (running) => {
    const read = await Promise.all(Object.values(running.urls).map((url) => firstTicks(url, 3)));
    for (const [i, [name, url]] of Object.entries(running.urls).entries()) {
      console.log(`${name.padEnd(8)} ${url}  ${read[i]!.map((t) => `#${t.id} ${t.by}`).join(', ')}`);
    }
  },
});
