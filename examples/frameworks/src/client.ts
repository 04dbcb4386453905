import { firstValueFrom, map, take, toArray } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';

/**
 * Reads the first `count` ticks of a stream, then disconnects.
 * @param url - a `/ticks` URL.
 * @param count - how many ticks to read.
 * @returns `{ id, n, by }` of each tick.
 */
export function firstTicks(url: string, count: number): Promise<{ id: string; n: number; by: string }[]> {
  return firstValueFrom(
    fromSse<{ tick: { n: number; by: string } }>(url).pipe(
      ofType('tick'),
      parseJson(),
      map((event) => ({ id: event.lastEventId, ...event.data })),
      take(count),
      toArray(),
    ),
  );
}
