import { startDemo } from './supervisor.js';
import { printTicks } from './terminal.js';

const port = Number(process.env.PORT ?? 3000);
const demo = await startDemo({ port }).catch((error: Error) => {
  console.error(`  ${error.message}`);
  process.exit(1);
});
console.log(`\n  sse-rx demo: open ${demo.url}/ in a browser\n`);
const terminal = printTicks(demo.url);
console.log('running: Ctrl-C to stop');

let stopping = false;
const stop = async () => {
  // Ctrl-C reaches tsx and this process: close once.
  if (stopping) return;
  stopping = true;
  terminal.unsubscribe();
  await demo.close();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
