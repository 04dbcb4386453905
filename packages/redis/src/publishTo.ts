import type { Redis } from 'ioredis';
import { concatMap, type OperatorFunction } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { publish, type PublishOptions } from './publish.js';

/**
 * An operator that publishes every message of the source to a Redis Stream, one `XADD` at a
 * time so the stream keeps the source's order, and emits the stream id of each.
 *
 * A failed `XADD` is an error of the resulting Observable. Unsubscribing stops publishing; an
 * `XADD` already sent still completes on the server.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { map, interval, take } from 'rxjs';
 * import { publishTo } from 'sse-rx-redis';
 * interval(1000)
 *   .pipe(take(2), map((n) => ({ event: 'tick', data: String(n) })), publishTo(new Redis(), 'ticks'))
 *   .subscribe(console.log);
 * // 1700000000000-0
 * // 1700000001000-0
 * ```
 * @param redis - The ioredis client to write with.
 * @param stream - The key of the stream.
 * @param options - How to trim, see {@link PublishOptions}.
 * @returns An operator from messages to their stream ids.
 * @public
 */
export function publishTo(
  redis: Redis,
  stream: string,
  options?: PublishOptions,
): OperatorFunction<SseMessage, string> {
  return concatMap((message) => publish(redis, stream, message, options));
}
