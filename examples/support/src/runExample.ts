import { ExampleSetupError } from './errors.js';

/** What {@link runExample} runs. */
export interface RunExampleConfig<Running extends { close(): Promise<void> }> {
  /** Starts the example's server(s) and prints where they are. */
  start(): Promise<Running>;
  /** Optional: shows the example from a client (a few events, a post), then returns; the server keeps running. */
  tour?(running: Running): Promise<void>;
}

/** How long Ctrl-C waits for open streams to close before the process exits anyway. */
const STOP_TIMEOUT_MS = 2000;

/**
 * Runs an example's entry point: starts it, runs its tour, prints `running: Ctrl-C to stop` and
 * serves until SIGINT or SIGTERM, then closes it, prints `stopped` and exits with 0. A setup
 * problem (a taken port, a bad `PORT`) prints one line saying what to change and exits with 1;
 * any other failure prints its stack and exits with 1.
 * @example
 * ```ts
 * import { envPort, runExample } from 'sse-rx-example-support';
 * await runExample({ start: () => start(envPort()) });
 * // running: Ctrl-C to stop
 * // ^C stopped
 * ```
 * @param config - `start` and the optional `tour`.
 * @returns a Promise settled once the example serves (the process then exits on a signal).
 */
export async function runExample<Running extends { close(): Promise<void> }>(
  config: RunExampleConfig<Running>,
): Promise<void> {
  let running: Running | undefined;
  let stopping = false;
  const stop = async () => {
    // Ctrl-C signals the whole process group, so tsx's relay makes a second SIGINT arrive here:
    // keep listening (a default SIGINT would kill the process mid-close) and close once.
    if (stopping) return;
    stopping = true;
    const closed = running?.close() ?? Promise.resolve();
    // Not unref(): with a close that hangs, an emptied event loop would exit before `stopped` is printed.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))]);
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    running = await config.start();
    await config.tour?.(running);
  } catch (error) {
    console.error(error instanceof ExampleSetupError ? error.message : error);
    process.exit(1);
  }
  console.log('running: Ctrl-C to stop');
}
