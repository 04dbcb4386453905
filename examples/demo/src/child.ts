// The stream server's process, forked by the supervisor (src/supervisor.ts): it serves everything
// and asks the supervisor to restart it when the restart button is pressed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExampleSetupError } from 'sse-rx-example-support';
import { start } from './server.js';

const dataDir = process.env.DEMO_DATA_DIR!;
const port = Number(process.env.DEMO_PORT ?? 0);
const demo = await start({
  port,
  tickMs: Number(process.env.DEMO_TICK_MS ?? 500),
  dataDir,
  scripts: {
    app: readFileSync(join(dataDir, 'app.js'), 'utf8'),
    tabs: readFileSync(join(dataDir, 'tabs.js'), 'utf8'),
  },
  onRestart: () => process.send?.({ type: 'restart' }),
}).catch((error: Error) => {
  // The supervisor reports it (one line for a setup problem such as a taken port) and exits.
  process.send?.({ type: 'failed', message: error.message, setup: error instanceof ExampleSetupError });
  process.exit(1);
});
process.send?.({ type: 'listening', port: demo.port });
// Ctrl-C reaches the whole process group: the supervisor decides when this process ends.
process.on('SIGINT', () => {});
// The supervisor is gone (even killed): do not keep the port.
process.on('disconnect', () => process.exit(0));
