/**
 * The minimal part of the Standard Schema v1 interface (https://standardschema.dev) that
 * {@link validate} needs. zod, valibot and arktype schemas all implement it.
 * @example
 * ```ts
 * import type { StandardSchemaV1 } from 'sse-rx-client';
 * const positive: StandardSchemaV1<unknown, number> = {
 *   '~standard': {
 *     version: 1,
 *     vendor: 'mine',
 *     validate: (v) => (typeof v === 'number' && v > 0 ? { value: v } : { issues: [{ message: 'not positive' }] }),
 *   },
 * };
 * ```
 * @public
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties, under a name no schema library uses for its own. */
  readonly '~standard': {
    /** The version of the Standard Schema interface: 1. */
    readonly version: 1;
    /** The library that made the schema (`'zod'`, `'valibot'`, ...). */
    readonly vendor: string;
    /** Checks a value: its output value, or the issues found (sync or async). */
    readonly validate: (value: unknown) => StandardSchemaV1.Result<Output> | Promise<StandardSchemaV1.Result<Output>>;
    /** The schema's input and output types; only in the types, never set at runtime. */
    readonly types?:
      | {
          /** The type the schema accepts. */
          readonly input: Input;
          /** The type the schema gives. */
          readonly output: Output;
        }
      | undefined;
  };
}

/** Types of the Standard Schema v1 interface. @public */
export declare namespace StandardSchemaV1 {
  /** A successful or failed validation. */
  type Result<Output> =
    | {
        /** The validated (possibly transformed) value. */
        readonly value: Output;
        /** Absent on success. */
        readonly issues?: undefined;
      }
    | {
        /** What is wrong with the value (at least one). */
        readonly issues: ReadonlyArray<Issue>;
      };
  /** One problem found. */
  interface Issue {
    /** What is wrong, for a person to read. */
    readonly message: string;
    /** Where in the value: the keys from the root down. */
    readonly path?:
      | ReadonlyArray<
          | PropertyKey
          | {
              /** One key of the path. */
              readonly key: PropertyKey;
            }
        >
      | undefined;
  }
  /** The output type of a schema. */
  type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
}
