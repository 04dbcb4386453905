import { filter, type OperatorFunction } from 'rxjs';

/**
 * Keeps the events of the given types, narrowing a typed stream to those members of its union.
 *
 * @example
 * ```ts
 * import { fromSse, ofType } from 'sse-rx-client';
 * fromSse<{ tick: { n: number }; chat: string }>('/events')
 *   .pipe(ofType('chat'))
 *   .subscribe((event) => console.log(event.type, event.data));
 * // chat hello
 * ```
 * @param types - one or more event types (`message` for events sent without `event:`).
 * @returns An operator that filters events by `type`.
 * @public
 */
export function ofType<
  E extends {
    /** The event type. */
    type: string;
  },
  K extends E['type'],
>(...types: [K, ...K[]]): OperatorFunction<E, OfType<E, K>> {
  const wanted = new Set<string>(types);
  return filter((event): event is OfType<E, K> => wanted.has(event.type));
}

/**
 * The members of `E` with a type in `K`; for an untyped stream (`type: string`), `E` with `type` narrowed.
 * @example
 * ```ts
 * import type { OfType, SseEventOf } from 'sse-rx-client';
 * type Chat = OfType<SseEventOf<{ tick: number; chat: string }>, 'chat'>; // RawSseEvent<'chat', string>
 * ```
 * @public
 */
export type OfType<
  E extends {
    /** The event type. */
    type: string;
  },
  K extends string,
> = [
  Extract<
    E,
    {
      /** One of the kept types. */
      type: K;
    }
  >,
] extends [never]
  ? E & {
      /** One of the kept types. */
      readonly type: K;
    }
  : Extract<
      E,
      {
        /** One of the kept types. */
        type: K;
      }
    >;
