import type { Server } from 'node:http';
import { interval, map, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { listen } from 'sse-rx-example-support';

/** A running server of one framework. */
export interface Running {
  /** The tick stream's URL, e.g. `http://127.0.0.1:3000/ticks`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The stream every framework serves: `event: tick`, ids 1, 2, 3..., data `{"n":1,"by":"..."}`.
 * @param by - the framework's name, put in the data to tell the streams apart.
 * @param periodMs - the time between two ticks.
 * @returns a cold Observable: each client counts from 1.
 */
export function ticks(by: string, periodMs: number): Observable<SseMessage> {
  return interval(periodMs).pipe(
    map((i): SseMessage => ({ event: 'tick', id: String(i + 1), data: JSON.stringify({ n: i + 1, by }) })),
  );
}

/**
 * Listens on 127.0.0.1 and describes the running server (shared by the node:http, Express and
 * Hono servers, which all end up as a `node:http` server).
 * @param server - the server to start.
 * @param port - the port, 0 for any free one.
 * @returns the `/ticks` URL and a `close()` that ends open streams first.
 */
export async function listenTicks(server: Server, port: number): Promise<Running> {
  const { url, close } = await listen(server, port);
  return { url: `${url}ticks`, close };
}
