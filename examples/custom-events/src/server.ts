import { createServer } from 'node:http';
import { concatMap, interval, of, startWith, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { listen } from 'sse-rx-example-support';
import { retryHint, sendEvents } from 'sse-rx-server';

/** What the `json` event carries: pretty-printed, so its data spans several lines. */
export interface Status {
  round: number;
  at: string;
  load: number[];
}

/** A running example server. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

/**
 * One client's stream: a `retry` hint and a comment first, then every `periodMs` a round of two
 * events: `event: test` with id `n`, and `event: json` (no id, so clients keep `n` as their last
 * event id) whose pretty-printed JSON data goes out as several `data:` lines.
 * @param periodMs - the time between two rounds; the first round is sent at once.
 * @returns the messages, for `sendEvents`.
 */
export function rounds(periodMs: number): Observable<SseMessage> {
  return interval(periodMs).pipe(
    startWith(-1),
    concatMap((i) => {
      const round = i + 2;
      const status: Status = { round, at: new Date().toISOString(), load: [round % 3, round % 5] };
      return of<SseMessage[]>(
        { event: 'test', id: String(round), data: `test event ${round}` },
        { event: 'json', data: JSON.stringify(status, null, 2) },
      );
    }),
    startWith<SseMessage>({ comment: 'custom-events example: comments are ignored by clients' }),
    retryHint(3000),
  );
}

/**
 * Starts the server: every request gets {@link rounds}.
 * @param port - the port to listen on, 0 for any free one.
 * @param periodMs - the time between two rounds.
 * @returns the URL and a `close()` function.
 */
export async function start(port = 0, periodMs = 1000): Promise<Running> {
  const server = createServer((req, res) => sendEvents(req, res, rounds(periodMs)));
  return listen(server, port);
}
