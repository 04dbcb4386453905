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
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaV1.Result<Output> | Promise<StandardSchemaV1.Result<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** Types of the Standard Schema v1 interface. @public */
export declare namespace StandardSchemaV1 {
  /** A successful or failed validation. */
  type Result<Output> =
    | { readonly value: Output; readonly issues?: undefined }
    | { readonly issues: ReadonlyArray<Issue> };
  /** One problem found. */
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  }
  /** The output type of a schema. */
  type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
}
