import { take } from 'rxjs';
import { listen } from './client.js';
import { start } from './server.js';

// Starts the server on port 3000 (or $PORT), shows six events per listener type, then stops.
const server = await start(Number(process.env.PORT ?? 3000));
console.log(`streaming at ${server.url} (see the raw wire with: curl -N ${server.url})`);
try {
  await new Promise<void>((resolve, reject) =>
    listen(server.url)
      .pipe(take(6))
      .subscribe({
        next: (seen) => console.log(`[${seen.listener}] ${seen.text} (lastEventId: ${seen.lastEventId})`),
        error: reject,
        complete: resolve,
      }),
  );
} finally {
  await server.close();
}
