import type { SseStoreMeter } from '../demand.js';
import type { ResetReason } from '../stores/eventStore.js';
import type { TrackedStream } from '../sinks/admission.js';
import type { StreamMetrics, StreamSnapshot } from '../streamRegistryTypes.js';
import { BOUNDS, Histogram, type RegistryHistograms } from './histogram.js';

const RESET_REASONS = new Set<string>(['trimmed', 'unknown', 'epoch', 'future', 'malformed']);

/** An open stream as the registry tracks it: its pump once attached, when it opened, who it is for. */
export interface OpenStream {
  stream?: TrackedStream;
  readonly openedAt: number;
  readonly key: string | undefined;
  readonly resumed: boolean;
}

/** Milliseconds on a monotonic clock. */
export const monotonicMs = (): number => performance.now();

/**
 * The registry's counters: those of the registry itself, and those of closed streams, folded in
 * from their pumps when they are released. A snapshot adds the open streams' own counts, so that
 * nothing is counted on the write path beyond the pumps' numeric fields.
 */
export class RegistryTotals {
  openedStreams = 0;
  resumedStreams = 0;
  skippedMessages = 0;
  sentMessages = 0;
  sentBytes = 0;
  readonly refusedByStatus = { 429: 0, 503: 0 };
  readonly droppedByPolicy = { 'drop-oldest': 0, 'drop-newest': 0 };
  readonly slowClientsByPolicy = { close: 0, maxBufferedBytes: 0 };
  readonly resets: Record<ResetReason | 'other', number> = {
    trimmed: 0,
    unknown: 0,
    epoch: 0,
    future: 0,
    malformed: 0,
    other: 0,
  };
  readonly errors: StreamMetrics['errors'] = { http: {}, event: {} };
  readonly shutdownCloses = { ended: 0, destroyed: 0 };
  /** The live histograms (a registry exposes them to `sse-rx-server/otel` under `HISTOGRAMS`). */
  readonly histograms: RegistryHistograms = {
    streamDurations: new Histogram(BOUNDS.streamDurations),
    replayedEvents: new Histogram(BOUNDS.replayedEvents),
    storeLag: new Histogram(BOUNDS.storeLag),
  };
  private lastLagSeconds = 0;

  /** What the stores serving this registry's streams report to it (see `clientMeter`). */
  readonly meter: SseStoreMeter = {
    replayed: (events) => {
      if (!(Number.isInteger(events) && events >= 0))
        throw new TypeError(
          `replayed(events) takes the number of events replayed, a whole number >= 0, got ${events}.`,
        );
      this.histograms.replayedEvents.observe(events);
    },
    lagged: (lagMs) => {
      if (!Number.isFinite(lagMs))
        throw new TypeError(`lagged(lagMs) takes the milliseconds since the append, a finite number, got ${lagMs}.`);
      this.lastLagSeconds = Math.max(0, lagMs) / 1000;
      this.histograms.storeLag.observe(this.lastLagSeconds);
    },
  };

  /** Counts an `event: reset` by the reason in its JSON data. */
  reset(data: string | undefined): void {
    this.resets[resetReason(data)]++;
  }

  /** Counts a source error by its status and how it was sent. */
  failed(status: number, sentAs: 'http' | 'event'): void {
    const byStatus = this.errors[sentAs];
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  /** Folds a closed stream's counts in and adds its duration to the histogram. */
  closed(open: OpenStream, now: number): void {
    const pump = open.stream?.pump;
    if (pump) {
      this.skippedMessages += pump.skipped;
      this.sentMessages += pump.queue.sentFrames;
      this.sentBytes += pump.queue.sentBytes;
      if (pump.queue.policy !== 'close') this.droppedByPolicy[pump.queue.policy] += pump.queue.dropped;
    }
    this.histograms.streamDurations.observe((now - open.openedAt) / 1000);
  }

  /** The metrics as of `now`: these totals plus the counts of the `open` streams. */
  snapshot(open: Iterable<OpenStream>, openCount: number, now: number): StreamMetrics {
    const droppedByPolicy = { ...this.droppedByPolicy };
    let { skippedMessages, sentMessages, sentBytes } = this;
    let bufferedBytes = 0;
    let oldest = now;
    for (const { stream, openedAt } of open) {
      if (openedAt < oldest) oldest = openedAt;
      if (!stream) continue;
      const { queue } = stream.pump;
      bufferedBytes += queue.bufferedBytes;
      skippedMessages += stream.pump.skipped;
      sentMessages += queue.sentFrames;
      sentBytes += queue.sentBytes;
      if (queue.policy !== 'close') droppedByPolicy[queue.policy] += queue.dropped;
    }
    const { slowClientsByPolicy } = this;
    return {
      openStreams: openCount,
      openedStreams: this.openedStreams,
      refusedStreams: this.refusedByStatus[429] + this.refusedByStatus[503],
      refusedByStatus: { ...this.refusedByStatus },
      resumedStreams: this.resumedStreams,
      bufferedBytes,
      droppedMessages: droppedByPolicy['drop-oldest'] + droppedByPolicy['drop-newest'],
      closedSlowClients: slowClientsByPolicy.close + slowClientsByPolicy.maxBufferedBytes,
      skippedMessages,
      sentMessages,
      sentBytes,
      droppedByPolicy,
      slowClientsByPolicy: { ...slowClientsByPolicy },
      resets: { ...this.resets },
      errors: { http: { ...this.errors.http }, event: { ...this.errors.event } },
      shutdownCloses: { ...this.shutdownCloses },
      oldestStreamSeconds: (now - oldest) / 1000,
      streamDurations: this.histograms.streamDurations.snapshot(),
      replayedEvents: this.histograms.replayedEvents.snapshot(),
      storeLag: this.histograms.storeLag.snapshot(),
      lastStoreLagSeconds: this.lastLagSeconds,
    };
  }
}

/** One open stream's figures as of `now`. */
export function streamSnapshot({ stream, openedAt, key, resumed }: OpenStream, now: number): StreamSnapshot {
  const queue = stream?.pump.queue;
  return {
    ageSeconds: (now - openedAt) / 1000,
    key,
    resumed,
    sentMessages: queue?.sentFrames ?? 0,
    sentBytes: queue?.sentBytes ?? 0,
    bufferedBytes: queue?.bufferedBytes ?? 0,
    heldBytes: queue?.heldBytes ?? 0,
    droppedMessages: queue?.dropped ?? 0,
  };
}

/** The reason of a reset message's JSON data (`resetMessage`), or `'other'`. */
function resetReason(data: string | undefined): ResetReason | 'other' {
  try {
    const reason: unknown = JSON.parse(data ?? '').reason;
    return typeof reason === 'string' && RESET_REASONS.has(reason) ? (reason as ResetReason) : 'other';
  } catch {
    return 'other';
  }
}
