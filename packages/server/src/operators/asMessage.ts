import { Observable, type OperatorFunction } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/**
 * Options of {@link asMessage}. A field given as a key reads that property of the value; given
 * as a function, it computes the field. `undefined` (or a missing property) leaves the field out.
 * @public
 */
export interface AsMessageConfig<T> {
  /**
   * The event type: a property name of the value or a function of it.
   * @default undefined (clients see the event as `message`)
   */
  event?: (T extends object ? keyof T : never) | ((value: T) => string | undefined);
  /**
   * The event id: a property name of the value or a function of it; numbers become strings.
   * @default undefined (no id; see `withIds()` to number events)
   */
  id?: (T extends object ? keyof T : never) | ((value: T) => string | number | undefined);
  /**
   * Turns the value into the `data` text.
   * @default strings pass through unchanged, anything else goes through `JSON.stringify`
   */
  serialize?: (value: T) => string;
}

/**
 * Maps every value to an {@link SseMessage}: strings become `data` as they are, other values
 * become JSON, and `event` / `id` come from a property name or a function.
 *
 * A value that `JSON.stringify` cannot represent (`undefined`, a function) is sent as `data: null`
 * rather than breaking the stream. Sources that already emit `SseMessage` objects need no
 * `asMessage` at all: the sinks accept them directly.
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { asMessage } from 'sse-rx-server';
 * of({ kind: 'tick', seq: 1 }, 'hi').pipe(asMessage({ event: 'kind', id: 'seq' })).subscribe(console.log);
 * // { data: '{"kind":"tick","seq":1}', event: 'tick', id: '1' }
 * // { data: 'hi' }
 * ```
 * @param config - where `event` and `id` come from and how `data` is written; see {@link AsMessageConfig}.
 * @returns an operator from values to messages.
 * @public
 */
export function asMessage<T>(config: AsMessageConfig<T> = {}): OperatorFunction<T, SseMessage> {
  const serialize = config.serialize ?? defaultSerialize;
  return (source) =>
    new Observable<SseMessage>((subscriber) =>
      source.subscribe({
        next: (value) => {
          let message: SseMessage;
          try {
            message = { data: serialize(value) };
            const event = pick(value, config.event);
            if (event !== undefined) message.event = String(event);
            const id = pick(value, config.id);
            if (id !== undefined) message.id = String(id);
          } catch (error) {
            // A throwing serializer or getter is the source's error, not a crash.
            subscriber.error(error);
            return;
          }
          subscriber.next(message);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

function defaultSerialize(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

function pick<T>(value: T, from: PropertyKey | ((value: T) => unknown) | undefined): unknown {
  if (from === undefined) return undefined;
  if (typeof from === 'function') return from(value);
  return value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[from] : undefined;
}
