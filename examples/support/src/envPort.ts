import { ExampleSetupError } from './errors.js';

/**
 * The port an example listens on: `$PORT`, or `fallback` when it is not set. `PORT=0` picks any
 * free port (the example prints the URL it got).
 * @example
 * ```ts
 * import { envPort } from 'sse-rx-example-support';
 * const port = envPort(); // 3000, or 4000 with PORT=4000
 * ```
 * @param fallback - the port when `$PORT` is not set.
 * @default fallback 3000
 * @returns the port.
 * @throws {@link ExampleSetupError} when `$PORT` is not a whole number from 0 to 65535.
 */
export function envPort(fallback = 3000): number {
  const text = process.env.PORT;
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new ExampleSetupError(
      `PORT must be a whole number from 0 to 65535 (0: any free port), got ${JSON.stringify(text)}`,
    );
  return port;
}
