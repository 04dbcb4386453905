import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ExampleSetupError } from 'sse-rx-example-support';
import { bundlePage } from './bundle.js';
import type { DemoServer } from './server.js';

/** Options of {@link startDemo}. */
export interface DemoConfig {
  /** The port on 127.0.0.1, kept across restarts. @default 0 (a free port, chosen once) */
  port?: number;
  /** The time between price ticks. @default 500 */
  tickMs?: number;
  /** Called with a line to show when the stream server restarts. @default console.log */
  log?: (line: string) => void;
}

/** A demo whose stream server runs in a child process. */
export interface SupervisedDemo extends DemoServer {
  /** How many times the stream server process was restarted so far. */
  readonly restarts: number;
}

/** How long a stream server process may take to listen. */
const START_TIMEOUT_MS = 10_000;

/**
 * Bundles the stream server's entry (src/child.ts, with the workspace sources and rxjs) into one
 * plain-Node file: a restart then takes a fork and a listen (~100 ms), not a TypeScript compile.
 */
async function bundleChild(outfile: string): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    conditions: ['sse-rx-source'],
    external: ['esbuild'],
  });
}

/**
 * Runs the demo's stream server (src/server.ts) in a child process, and restarts that process
 * (killed with SIGKILL, like a crash, then forked again on the same port) when its restart button
 * asks. The journal of ticks and the shared list are kept in a temporary directory, removed by `close()`.
 * @param config - port and tick period; see {@link DemoConfig}.
 * @returns the running demo.
 */
export async function startDemo(config: DemoConfig = {}): Promise<SupervisedDemo> {
  const log = config.log ?? console.log;
  const dataDir = mkdtempSync(join(tmpdir(), 'sse-rx-demo-'));
  // Also when the process exits before close() finished (Ctrl-C gives it 2 s).
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeData);
  const childScript = join(dataDir, 'server.mjs');
  const [app, tabs] = await Promise.all([bundlePage('app'), bundlePage('tabs'), bundleChild(childScript)]);
  writeFileSync(join(dataDir, 'app.js'), app);
  writeFileSync(join(dataDir, 'tabs.js'), tabs);
  let port = config.port ?? 0;
  let restarts = 0;
  let closing = false;
  let child: ChildProcess;

  const spawn = () =>
    new Promise<number>((resolve, reject) => {
      child = fork(childScript, [], {
        execArgv: [],
        env: {
          ...process.env,
          DEMO_PORT: String(port),
          DEMO_TICK_MS: String(config.tickMs ?? 500),
          DEMO_DATA_DIR: dataDir,
        },
      });
      const timer = setTimeout(
        () => reject(new Error('The demo stream server did not start in 10 s.')),
        START_TIMEOUT_MS,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The demo stream server exited (code ${code}) before listening on port ${port}.`));
      });
      child.on('message', (message: { type: string; port?: number; message?: string; setup?: boolean }) => {
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(message.setup ? new ExampleSetupError(message.message!) : new Error(message.message));
        } else if (message.type === 'listening') {
          clearTimeout(timer);
          resolve(message.port!);
        } else if (message.type === 'restart' && !closing) void restart();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  const restart = async () => {
    await stop();
    restarts++;
    log(`  stream server process killed; starting a new one on port ${port} (restart ${restarts})`);
    await spawn();
  };

  port = await spawn();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get restarts() {
      return restarts;
    },
    close: async () => {
      closing = true;
      await stop();
      removeData();
      process.off('exit', removeData);
    },
  };
}
