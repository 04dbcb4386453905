import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { SseShutdownError, SseSlowClientError } from './errors.js';
import { readLastEventId, type SseRequest } from './readLastEventId.js';
import { HISTOGRAMS, type RegistryHistograms } from './metrics/histogram.js';
import { monotonicMs, type OpenStream, RegistryTotals, streamSnapshot } from './metrics/registryTotals.js';
import { prometheusText } from './metrics/prometheusText.js';
import { ADMIT, type Admission, type Admit, type Refusal } from './sinks/admission.js';
import type { ShutdownConfig, StreamMetrics, StreamRegistry } from './streamRegistryTypes.js';

/**
 * Options of {@link createStreamRegistry}.
 * @public
 */
export interface StreamRegistryConfig {
  /**
   * The most streams open at once; one more is answered 503 with `Retry-After`.
   * @default Infinity
   */
  maxStreams?: number;
  /**
   * The most streams open at once for one `key`; one more is answered 429 with `Retry-After`.
   * @default Infinity
   */
  maxStreamsPerKey?: number;
  /**
   * The most bytes all open streams together may hold for their clients: what waits in their
   * queues plus what Node holds for each response (`res.writableLength`). Checked every 100 ms;
   * past it, the streams holding the most (the slowest clients) are closed first, as under the
   * `'close'` policy, until the rest fit. Counted in `metrics().closedSlowClients`.
   * @default Infinity (only each stream's `backpressure.maxBufferBytes` bounds memory)
   */
  maxBufferedBytes?: number;
  /**
   * Who a request belongs to (a user id, an API key, an IP); `undefined` is not limited per key.
   * `toResponse` passes its `request` option. If it throws, the stream is not limited per key.
   * @default undefined (no per-key limit)
   */
  key?: (request: SseRequest) => string | undefined;
  /**
   * The shortest wait suggested in the `Retry-After` header of a refused stream. Each refusal gets a
   * random wait from `retryAfterMs` to twice that, sent in whole seconds (rounded up, at least 1), so
   * a refused crowd does not come back as one wave. During shutdown the header follows the
   * shutdown's `retryMs` and `jitterMs` instead, like the `retry:` sent to open streams.
   * @default 5000 ('Retry-After: 5' to 'Retry-After: 10')
   */
  retryAfterMs?: number;
  /**
   * The registry's name: the value of the `registry` label on its Prometheus series, so that several
   * registries can be served from one process (their names must differ).
   * @default 'default'
   */
  name?: string;
}

type Tracked = Admission & OpenStream;

/** How often a registry with `maxBufferedBytes` adds up what its streams hold. */
const CAP_CHECK_MS = 100;

/**
 * Tracks every stream a sink opens with `{ registry }`, to limit them, count them, and shut
 * them down gracefully. Give the same registry to `sendEvents` and `toResponse`.
 *
 * A stream over `maxStreams` is refused with 503, one over `maxStreamsPerKey` (for its
 * `key(request)`, a user id say) with 429; both carry a `Retry-After` spread over `retryAfterMs`
 * to twice that (the shutdown's retry hint once shutting down) and a JSON body, and the source is
 * never subscribed. `shutdown()` sends every open stream a last message whose `retry:`
 * is `retryMs` plus a random `0..jitterMs` (so clients do not all come back at once), stops its
 * source, ends it once written, destroys what is still open after `deadlineMs`, and resolves
 * when all are closed. From the moment it is called new streams get 503.
 *
 * With `maxBufferedBytes`, the bytes held for all streams together are bounded too: every 100 ms
 * the registry adds them up and, past the bound, closes the streams holding the most first.
 *
 * `metrics()` is a snapshot computed on call: on the write path each stream only adds to two numbers
 * of its own (messages and bytes written). `prometheus()` is the same in the Prometheus text format
 * (see `prometheusHandler`), labelled `registry="<name>"`; `streams()` lists the open streams.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createStreamRegistry, sendEvents } from 'sse-rx-server';
 * const registry = createStreamRegistry({ maxStreams: 10_000, maxStreamsPerKey: 5, key: (req) => userOf(req) });
 * const server = createServer((req, res) => sendEvents(req, res, updates$, { registry })).listen(3000);
 * process.on('SIGTERM', async () => {
 *   await registry.shutdown({ retryMs: 2000, deadlineMs: 5000 });
 *   // every client got e.g. 'retry: 2731\n\n', then its response ended
 *   server.close();
 * });
 * registry.metrics();
 * // { openStreams: 0, openedStreams: 3, refusedStreams: 0, resumedStreams: 1, bufferedBytes: 0,
 * //   droppedMessages: 0, closedSlowClients: 0, skippedMessages: 0, sentMessages: 12, sentBytes: 348, ... }
 * ```
 * @param config - limits, the per-key function, `Retry-After` and the name; see {@link StreamRegistryConfig}.
 * @throws TypeError when `name` is not a string.
 * @returns the registry, to pass as the `registry` option of the sinks.
 * @public
 */
export function createStreamRegistry(config: StreamRegistryConfig = {}): StreamRegistry {
  const maxStreams = config.maxStreams ?? Infinity;
  const maxPerKey = config.maxStreamsPerKey ?? Infinity;
  const retryAfterMs = config.retryAfterMs ?? 5000;
  const maxBufferedBytes = config.maxBufferedBytes ?? Infinity;
  const name = config.name ?? 'default';
  if (typeof name !== 'string') throw new TypeError(`name must be a string (the registry label), got ${typeof name}.`);
  const open = new Set<Tracked>();
  const perKey = new Map<string, number>();
  const count = new BehaviorSubject(0);
  const totals = new RegistryTotals();
  let shuttingDown: Promise<void> | undefined;
  let allClosed: (() => void) | undefined;
  // Set by shutdown: the last message for a stream, with its own jittered retry.
  let lastMessage: (() => SseMessage) | undefined;
  // A wait in ms, spread: `retryAfterMs` plus up to as much again; during shutdown, the shutdown's.
  let nextWaitMs = () => retryAfterMs + Math.random() * retryAfterMs;

  // Over maxBufferedBytes, closes the streams holding the most until the rest fit.
  const enforceCap = () => {
    let total = 0;
    const holding: Array<{ bytes: number; admission: Tracked }> = [];
    for (const admission of open) {
      const bytes = admission.stream?.pump.queue.heldBytes ?? 0;
      total += bytes;
      if (bytes > 0) holding.push({ bytes, admission });
    }
    if (total <= maxBufferedBytes) return;
    holding.sort((a, b) => b.bytes - a.bytes);
    for (const { bytes, admission } of holding) {
      if (total <= maxBufferedBytes) break;
      total -= bytes;
      totals.slowClientsByPolicy.maxBufferedBytes++;
      admission.stream!.destroy(new SseSlowClientError(maxBufferedBytes, 'maxBufferedBytes'));
      admission.release();
    }
  };
  // Runs enforceCap while streams are open (never keeping the process alive), when there is a cap.
  let capTimer: ReturnType<typeof setInterval> | undefined;
  const watchCap = () => {
    if (open.size === 0 || maxBufferedBytes === Infinity) {
      clearInterval(capTimer);
      capTimer = undefined;
    } else if (!capTimer) {
      capTimer = setInterval(enforceCap, CAP_CHECK_MS);
      capTimer.unref?.();
    }
  };

  const refuse = (status: 429 | 503, message: string): Refusal => {
    totals.refusedByStatus[status]++;
    const retryAfter = String(Math.max(1, Math.ceil(nextWaitMs() / 1000)));
    return {
      status,
      headers: { 'retry-after': retryAfter, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ status, message }),
    };
  };
  // A throwing key function must not crash the sink: the stream is then not limited per key.
  const keyOf = (request: SseRequest): string | undefined => {
    try {
      return config.key?.(request);
    } catch {
      return undefined;
    }
  };
  const admitStream = (request: SseRequest | undefined): Admission | Refusal => {
    if (shuttingDown) return refuse(503, 'Server shutting down');
    if (open.size >= maxStreams) return refuse(503, 'Too many streams');
    const key = request ? keyOf(request) : undefined;
    const keyed = key === undefined ? 0 : (perKey.get(key) ?? 0);
    if (key !== undefined && keyed >= maxPerKey) return refuse(429, 'Too many streams for this client');
    if (key !== undefined) perKey.set(key, keyed + 1);
    totals.openedStreams++;
    const resumed = request !== undefined && readLastEventId(request) !== undefined;
    if (resumed) totals.resumedStreams++;
    let released = false;
    const admission: Tracked = {
      openedAt: monotonicMs(),
      key,
      resumed,
      attach(stream) {
        admission.stream = stream;
        // Shutdown started while this stream was being set up (by its own source, say): end it too.
        if (lastMessage) endForShutdown(admission);
      },
      // A stream the cap already closed (and released) may still trip its own bound before it is gone: counted once.
      slowClient: () => void (released || totals.slowClientsByPolicy.close++),
      reset: (data) => totals.reset(data),
      failed: (status, sentAs) => totals.failed(status, sentAs),
      meter: totals.meter,
      release() {
        if (released) return;
        released = true;
        open.delete(admission);
        totals.closed(admission, monotonicMs());
        if (key !== undefined) {
          const left = perKey.get(key)! - 1;
          if (left === 0) perKey.delete(key);
          else perKey.set(key, left);
        }
        count.next(open.size);
        watchCap();
        if (open.size === 0) allClosed?.();
      },
    };
    open.add(admission);
    count.next(open.size);
    watchCap();
    return admission;
  };

  // Sends the stream its last message and ends it.
  const endForShutdown = (admission: Tracked) => {
    totals.shutdownCloses.ended++;
    admission.stream!.pump.end(lastMessage!());
  };

  const shutdown = (options: ShutdownConfig = {}): Promise<void> => {
    shuttingDown ??= new Promise<void>((resolve) => {
      const retryMs = options.retryMs ?? 1000;
      const jitterMs = options.jitterMs ?? retryMs;
      // Past the deadline, whatever is still open is destroyed and counted as closed.
      const deadlineMs = options.deadlineMs ?? 10_000;
      const timer = setTimeout(() => {
        for (const admission of [...open]) {
          totals.shutdownCloses.destroyed++;
          admission.stream?.destroy(new SseShutdownError(deadlineMs));
          admission.release();
        }
      }, deadlineMs);
      allClosed = () => {
        clearTimeout(timer);
        count.complete();
        resolve();
      };
      nextWaitMs = () => retryMs + Math.floor(Math.random() * jitterMs);
      lastMessage = () => ({ ...options.message, retry: nextWaitMs() });
      for (const admission of [...open]) if (admission.stream) endForShutdown(admission);
      if (open.size === 0) allClosed();
    });
    return shuttingDown;
  };

  const registry: StreamRegistry & { [ADMIT]: Admit; [HISTOGRAMS]: RegistryHistograms } = {
    [ADMIT]: admitStream,
    [HISTOGRAMS]: totals.histograms,
    name,
    metrics: (): StreamMetrics => totals.snapshot(open, open.size, monotonicMs()),
    streams: () => {
      const now = monotonicMs();
      return [...open].map((stream) => streamSnapshot(stream, now));
    },
    prometheus: () => prometheusText([registry]),
    openStreams$: count.pipe(distinctUntilChanged()) as Observable<number>,
    get closing() {
      return shuttingDown !== undefined;
    },
    shutdown,
  };
  return registry;
}
