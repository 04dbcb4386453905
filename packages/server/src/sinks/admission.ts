import type { SseStoreMeter } from '../demand.js';
import type { SseShutdownError, SseSlowClientError } from '../errors.js';
import type { SseRequest } from '../readLastEventId.js';
import type { StreamRegistry } from '../streamRegistryTypes.js';
import type { Pump } from './pump.js';

/** A stream the registry can end gracefully or destroy. */
export interface TrackedStream {
  readonly pump: Pump;
  destroy(reason: SseShutdownError | SseSlowClientError): void;
}

/** The answer to a stream that may not open: status, `Retry-After` seconds and a JSON body. */
export interface Refusal {
  readonly status: 429 | 503;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What a pump tells the registry about its stream, for the metrics. */
export interface StreamTracker {
  /** An `event: reset` message (with its data) went to the connection. */
  reset(data: string | undefined): void;
  /** The source failed: answered with an HTTP status before the stream started, or as `event: error`. */
  failed(status: number, sentAs: 'http' | 'event'): void;
  /** The registry's meter, for the stores the stream subscribes to (see `clientMeter`). */
  readonly meter: SseStoreMeter;
}

/** A stream let in: attach its pump once running, release it once closed (idempotent). */
export interface Admission extends StreamTracker {
  attach(stream: TrackedStream): void;
  slowClient(): void;
  release(): void;
}

/**
 * Where a registry keeps its admission function, out of its public shape. A global symbol, so
 * a registry made by the ESM build still works with the CJS build's sinks (and the reverse).
 */
export const ADMIT = Symbol.for('sse-rx-server.admit');
export type Admit = (request: SseRequest | undefined) => Admission | Refusal;

/** Lets a sink in, or tells it how to refuse. Not public: sinks reach it through the registry object. */
export const admit = (registry: StreamRegistry, request: SseRequest | undefined): Admission | Refusal =>
  (registry as StreamRegistry & { [ADMIT]: Admit })[ADMIT](request);

/** True when {@link admit} refused the stream. */
export const isRefusal = (answer: Admission | Refusal): answer is Refusal => 'status' in answer;
