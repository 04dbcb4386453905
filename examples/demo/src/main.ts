import { startDemo } from './supervisor.js';
import { printTicks } from './terminal.js';

const port = Number(process.env.PORT ?? 3000);
const demo = await startDemo({ port }).catch((error: Error) => {
  console.error(`  ${error.message}`);
  process.exit(1);
});
console.log(`\n  sse-rx demo running: open ${demo.url}/ in a browser (Ctrl-C to stop)\n`);
const terminal = printTicks(demo.url);

let stopping = false;
const stop = async () => {
  // Ctrl-C reaches tsx and this process: close once.
  if (stopping) return;
  stopping = true;
  terminal.unsubscribe();
  await demo.close();
  console.log('\n  demo stopped');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
