import { firstValueFrom, map, take, toArray } from 'rxjs';
import { type FromSseConfig, fromSse, ofType, parseJson } from 'sse-rx-client';

/**
 * Reads the first `count` ticks of a stream, then disconnects.
 * @param url - a `/ticks` URL.
 * @param count - how many ticks to read.
 * @param config - `fromSse`'s config, e.g. the `authorization` header the NestJS server asks for.
 * @returns `{ id, n, by }` of each tick.
 */
export function firstTicks(
  url: string,
  count: number,
  config: FromSseConfig = {},
): Promise<{ id: string; n: number; by: string }[]> {
  return firstValueFrom(
    fromSse<{ tick: { n: number; by: string } }>(url, config).pipe(
      ofType('tick'),
      parseJson(),
      map((event) => ({ id: event.lastEventId, ...event.data })),
      take(count),
      toArray(),
    ),
  );
}
