import { take } from 'rxjs';
import { envPort, runExample } from 'sse-rx-example-support';
import { listen } from './client.js';
import { start } from './server.js';

// Starts the server on port 3000 (or $PORT), shows six events per listener type, then serves
// until Ctrl-C.
await runExample({
  start: async () => {
    const server = await start(envPort());
    console.log(`streaming at ${server.url} (see the raw wire with: curl -N ${server.url})`);
    return server;
  },
  tour: (server) =>
    new Promise<void>((resolve, reject) =>
      listen(server.url)
        .pipe(take(6))
        .subscribe({
          next: (seen) => console.log(`[${seen.listener}] ${seen.text} (lastEventId: ${seen.lastEventId})`),
          error: reject,
          complete: resolve,
        }),
    ),
});
