import { createServer } from 'node:http';
import { interval, map, startWith } from 'rxjs';
import { listen } from 'sse-rx-example-support';
import { sendEvents } from 'sse-rx-server';

/** A running example server. */
export interface Running {
  /** The stream's URL, e.g. `http://127.0.0.1:3000/`. */
  url: string;
  /** Closes every open stream, then the server. */
  close(): Promise<void>;
}

/**
 * Starts the clock server: every request gets a stream of the current time, one default
 * (`message`) event per `periodMs`, the first one at once.
 * @param port - the port to listen on, 0 for any free one.
 * @param periodMs - the time between two events.
 * @returns the URL and a `close()` function.
 */
export async function start(port = 0, periodMs = 1000): Promise<Running> {
  const server = createServer((req, res) => {
    const time$ = interval(periodMs).pipe(
      startWith(-1),
      map(() => ({ data: new Date().toISOString() })),
    );
    sendEvents(req, res, time$);
  });
  return listen(server, port);
}
