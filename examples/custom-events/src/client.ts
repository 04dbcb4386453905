import { map, merge, share, type Observable } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';
import type { Status } from './server.js';

/** The event map of the stream: event type -> data once parsed. */
export type Events = { test: string; json: Status };

/** One line for the terminal: which listener saw it, what, and the last event id at that point. */
export interface Seen {
  listener: 'test' | 'json';
  text: string;
  lastEventId: string;
}

/**
 * Listens to the stream per event type over one shared connection: `test` events as text,
 * `json` events parsed. Comments and the retry hint never show up as events.
 * @param url - the stream's URL.
 * @returns the events seen by both listeners, in arrival order.
 */
export function listen(url: string): Observable<Seen> {
  const events$ = fromSse<Events>(url).pipe(share());
  const tests$ = events$.pipe(
    ofType('test'),
    map((e): Seen => ({ listener: 'test', text: e.data, lastEventId: e.lastEventId })),
  );
  const json$ = events$.pipe(
    ofType('json'),
    parseJson(),
    map(
      (e): Seen => ({
        listener: 'json',
        text: `round ${e.data.round}, load ${e.data.load.join('/')}`,
        lastEventId: e.lastEventId,
      }),
    ),
  );
  return merge(tests$, json$);
}
