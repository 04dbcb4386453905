import { complete } from './client.js';
import { start } from './server.js';

// Starts the server on port 3000 (or $PORT), streams the answer to the prompt given as
// arguments (or a default one) to the terminal, then stops.
const server = await start(Number(process.env.PORT ?? 3000));
const prompt =
  process.argv
    .slice(2)
    .filter((arg) => arg !== '--')
    .join(' ') || 'Why stream tokens?';
console.log(`POST ${server.url}completions { "prompt": ${JSON.stringify(prompt)} }\n`);
try {
  await new Promise<void>((resolve, reject) =>
    complete(server.url, prompt).subscribe({
      next: (token) => process.stdout.write(token),
      error: reject,
      complete: () => {
        process.stdout.write('\n');
        resolve();
      },
    }),
  );
} finally {
  await server.close();
}
