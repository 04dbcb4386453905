import { start } from './server.js';
import { printTicks } from './terminal.js';

const port = Number(process.env.PORT ?? 3000);
const demo = await start(port);
console.log(`\n  sse-rx demo running: open ${demo.url}/ in a browser (Ctrl-C to stop)\n`);
const terminal = printTicks(demo.url);

const stop = async () => {
  terminal.unsubscribe();
  await demo.close();
  console.log('\n  demo stopped');
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
