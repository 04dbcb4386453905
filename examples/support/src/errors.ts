/**
 * A problem with how an example was started (a port, an environment variable): its message says
 * what to change, and {@link runExample} prints it as one line instead of a stack trace.
 */
export class ExampleSetupError extends Error {
  override name = 'ExampleSetupError';
}

/** The port an example wanted is taken (another example, or the same one still running). */
export class PortInUseError extends ExampleSetupError {
  override name = 'PortInUseError';

  /**
   * @param port - the port that is taken.
   * @param options - `cause`: Node's `EADDRINUSE` error.
   */
  constructor(
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(
      `port ${port} is already in use: stop what holds it, or pick another port, e.g. ${suggestion(port)}`,
      options,
    );
  }
}

/** `PORT=4000 pnpm --filter sse-rx-example-clock start`, with the command that is running when pnpm ran it. */
function suggestion(port: number): string {
  const other = port + 1000 <= 65_535 ? port + 1000 : 0;
  const name = process.env.npm_package_name;
  return name ? `PORT=${other} pnpm --filter ${name} start` : `PORT=${other} before the command`;
}
