import { envPort, runExample } from 'sse-rx-example-support';
import { complete } from './client.js';
import { start } from './server.js';

// Starts the server on port 3000 (or $PORT), streams the answer to the prompt given as
// arguments (or a default one) to the terminal, then serves until Ctrl-C.
const prompt =
  process.argv
    .slice(2)
    .filter((arg) => arg !== '--')
    .join(' ') || 'Why stream tokens?';
await runExample({
  start: () => start(envPort()),
  tour: (server) => {
    console.log(`POST ${server.url}completions { "prompt": ${JSON.stringify(prompt)} }\n`);
    return new Promise<void>((resolve, reject) =>
      complete(server.url, prompt).subscribe({
        next: (token) => process.stdout.write(token),
        error: reject,
        complete: () => {
          process.stdout.write(
            `\n\nmore: curl -N -H 'sse-rx-stream-id: a1' -d '{"prompt":"hi"}' ${server.url}completions` +
              `\nthen: curl -N ${server.url}completions/a1 (the same answer, replayed)\n`,
          );
          resolve();
        },
      }),
    );
  },
});
