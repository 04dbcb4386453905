// Fields set in a constructor are `declare`d: a plain declaration is emitted as a class field too
// (ES2022), bytes in every bundle for a field the constructor assigns anyway.

/**
 * The base of every error sse-rx throws or reports; check with {@link isSseError}.
 * @public
 */
export class SseError extends Error {
  /** Always `'SseError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseError';
}

/** What was wrong in an event stream. @public */
export type SseProtocolErrorType = 'invalid-retry' | 'max-size-exceeded';

/**
 * Input in an event stream that the decoder had to ignore or cut off.
 *
 * @example
 * ```ts
 * import { SseDecoder } from 'sse-rx-codec';
 * new SseDecoder({ onError: (e) => console.warn(e.type, e.line) }).feed('retry: soon\n');
 * // invalid-retry retry: soon
 * ```
 * @public
 */
export class SseProtocolError extends SseError {
  /** Always `'SseProtocolError'` (kept under minification, unlike `constructor.name`). */
  override name = 'SseProtocolError';
  /** What kind of problem this is. */
  declare readonly type: SseProtocolErrorType;
  /** The field involved, if any. */
  declare readonly field: string | undefined;
  /** The offending line, cut to 256 characters. */
  declare readonly line: string | undefined;

  constructor(type: SseProtocolErrorType, message: string, details: { field?: string; line?: string } = {}) {
    super(message);
    this.type = type;
    this.field = details.field;
    this.line = details.line?.slice(0, 256);
  }
}

/**
 * True when `value` is an sse-rx error, also across realms and duplicated package copies.
 * @example
 * ```ts
 * import { isSseError } from 'sse-rx-codec';
 * isSseError(new Error('x')); // false
 * ```
 * @public
 */
export function isSseError(value: unknown): value is SseError {
  return (
    value instanceof SseError ||
    (value instanceof Error &&
      typeof value.name === 'string' &&
      value.name.startsWith('Sse') &&
      value.name.endsWith('Error'))
  );
}
