import { fileURLToPath } from 'node:url';
import { envPort, runExample } from 'sse-rx-example-support';
import { start } from './start.js';

// `pnpm --filter sse-rx-example-angular start`: ngc has built the app into dist/; serve it with
// its stream on port 3000 (or $PORT) until Ctrl-C.
await runExample({
  start: async () => {
    const running = await start(envPort(), fileURLToPath(new URL('../dist', import.meta.url)));
    console.log(`Angular app at ${running.url} (open it in a browser)`);
    return running;
  },
});
