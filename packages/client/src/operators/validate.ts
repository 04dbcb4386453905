import { concatMap, EMPTY, from, of, type Observable, type OperatorFunction } from 'rxjs';
import { isResetData } from '../contract.js';
import { SseValidationError } from '../errors.js';
import type { StandardSchemaV1 } from '../standardSchema.js';
import { rejectPayload, type OnInvalidPayload } from './invalidPayload.js';

/** Options of {@link validate}. @public */
export interface ValidateConfig {
  /** What to do with an event whose data the schema rejects, see {@link OnInvalidPayload}. @default 'report' (skip it, report the {@link SseValidationError}, go on) */
  onInvalid?: OnInvalidPayload<SseValidationError>;
}

/**
 * Checks each event's data against a Standard Schema (zod, valibot, arktype...) and replaces it with
 * the schema's output. Events keep their order, also with async schemas. An event the schema rejects
 * is skipped and reported by default, and the stream goes on; `onInvalid` chooses otherwise (see
 * {@link OnInvalidPayload}). The wire contract's `event: reset` is a control event, not a payload: it
 * is skipped without a report (react to it with `onReset` of {@link fromSse}).
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { fromSse, ofType, parseJson, validate } from 'sse-rx-client';
 * fromSse('/events')
 *   .pipe(ofType('tick'), parseJson(), validate(z.object({ n: z.number() })))
 *   .subscribe((event) => console.log(event.data.n));
 * // data: {"n":1} -> 1; data: {"n":"x"} -> skipped, SseValidationError reported
 * ```
 * @param schema - any Standard Schema v1 object.
 * @param config - what to do with invalid data, see {@link ValidateConfig}.
 * @returns An operator from events with parsed data to events with validated, typed data.
 * @public
 */
export function validate<
  E extends {
    /** The event type. */
    type: string;
    /** The data to check (parsed by {@link parseJson} first). */
    data: unknown;
    /** The event's last id. */
    lastEventId: string;
  },
  S extends StandardSchemaV1,
>(
  schema: S,
  config: ValidateConfig = {},
): OperatorFunction<
  E,
  Omit<E, 'data'> & {
    /** The data as the schema gives it. */
    data: StandardSchemaV1.InferOutput<S>;
  }
> {
  type Out = Omit<E, 'data'> & { data: StandardSchemaV1.InferOutput<S> };
  return concatMap((event): Observable<Out> => {
    // The contract's reset is a control event, not a payload: `onReset` of fromSse is where to react.
    if (event.type === 'reset' && isResetData(event.data)) return EMPTY;
    const check = (result: StandardSchemaV1.Result<unknown>): Observable<Out> => {
      if (!result.issues) return of({ ...event, data: result.value } as Out);
      const message = `Event "${event.type}" failed validation: ${result.issues.map((issue) => issue.message).join('; ')}`;
      const failure = rejectPayload(
        config.onInvalid,
        new SseValidationError(message, event.data, event.type, result.issues),
      );
      if (failure !== undefined) throw failure;
      return EMPTY;
    };
    const result = schema['~standard'].validate(event.data);
    return result instanceof Promise ? from(result).pipe(concatMap(check)) : check(result);
  });
}
