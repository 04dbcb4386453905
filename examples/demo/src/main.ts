import { envPort, runExample } from 'sse-rx-example-support';
import { startDemo } from './supervisor.js';
import { printTicks } from './terminal.js';

await runExample({
  start: async () => {
    const demo = await startDemo({ port: envPort() });
    console.log(`\n  sse-rx demo running: open ${demo.url}/ in a browser\n`);
    return demo;
  },
  tour: async (demo) => {
    printTicks(demo.url);
  },
});
