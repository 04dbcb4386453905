import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/**
 * Options of {@link withIds}.
 * @public
 */
export interface WithIdsConfig {
  /**
   * The first id of each subscription; to resume after id `n`, pass `n + 1`.
   * @default 1
   */
  start?: number;
  /**
   * Computes the id instead of counting: called with the message and its zero-based index
   * among the messages that get an id. Overrides `start`.
   * @default undefined (count from `start`)
   */
  id?: (message: SseMessage, index: number) => string;
}

/**
 * Gives every event (a message with `data`) an id: `1`, `2`, `3`, ... by default, counted per
 * subscription, so each client starts fresh. Comment-only and retry-only messages are passed on
 * untouched and do not use up an id; an id already on the message is replaced.
 *
 * The id is what a reconnecting client sends back as `Last-Event-ID`. For ids shared by all
 * clients (resumable), use one event store such as `createMemoryStore()` instead of a per-client counter.
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { withIds } from 'sse-rx-server';
 * of({ data: 'a' }, { comment: '' }, { data: 'b' }).pipe(withIds({ start: 41 })).subscribe(console.log);
 * // { data: 'a', id: '41' }
 * // { comment: '' }
 * // { data: 'b', id: '42' }
 * ```
 * @param config - the first id or an id function; see {@link WithIdsConfig}.
 * @returns an operator that numbers the events.
 * @public
 */
export function withIds(config: WithIdsConfig = {}): MonoTypeOperatorFunction<SseMessage> {
  const start = config.start ?? 1;
  const makeId = config.id ?? ((_message: SseMessage, index: number) => String(start + index));
  return (source) =>
    new Observable<SseMessage>((subscriber) => {
      let index = 0;
      return source.subscribe({
        next: (message) => {
          if (message.data === undefined) {
            subscriber.next(message);
            return;
          }
          let id: string;
          try {
            id = makeId(message, index++);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next({ ...message, id });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
