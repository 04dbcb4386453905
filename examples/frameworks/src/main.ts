import { envPort, runExample } from 'sse-rx-example-support';
import { firstTicks } from './client.js';
import { start } from './server.js';

/** The NestJS server asks for an `authorization` header (any value); the others ignore it. */
const withToken = { headers: { authorization: 'Bearer demo' } };

// Starts the five servers on ports 3000-3004 (or from $PORT), reads three ticks from each, shows
// the NestJS server's 401 without a token, then serves until Ctrl-C.
await runExample({
  start: () => start(envPort()),
  tour: async (running) => {
    const read = await Promise.all(Object.values(running.urls).map((url) => firstTicks(url, 3, withToken)));
    for (const [i, [name, url]] of Object.entries(running.urls).entries()) {
      console.log(`${name.padEnd(8)} ${url}  ${read[i]!.map((t) => `#${t.id} ${t.by}`).join(', ')}`);
    }
    const refused = await fetch(running.urls.nest);
    console.log(`nest without a token: HTTP ${refused.status} ${await refused.text()}`);
  },
});
