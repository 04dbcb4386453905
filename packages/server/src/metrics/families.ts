import type { StreamMetrics } from '../streamRegistryTypes.js';
import type { HistogramKey } from './histogram.js';

/** A sample's labels (besides `registry`). */
export type Labels = Record<string, string | number>;
/** One sample: a name suffix (histograms), its labels, its value. */
export type Sample = readonly [suffix: string, labels: Labels, value: number];

/** One metric family: its name, type, help text, and how to read its samples from a snapshot. */
export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  /** The unit, as OpenTelemetry spells it (UCUM). */
  readonly unit: string;
  readonly samples: (metrics: StreamMetrics) => Sample[];
  /** A histogram family's histogram in the registry (see `histogramsOf`). */
  readonly histogram?: HistogramKey;
}

/** A family of `type`, with its name, unit, help text and sample reader (one line per family below). */
const family =
  (type: Family['type']) =>
  (name: string, unit: string, help: string, samples: Family['samples']): Family => ({
    name,
    type,
    unit,
    help,
    samples,
  });
const counter = family('counter');
const gauge = family('gauge');
/** A histogram family: its buckets, sum and count, read from the snapshot's `key`. */
const histogram = (name: string, unit: string, help: string, key: HistogramKey): Family => ({
  ...family('histogram')(name, unit, help, (metrics) => {
    const { bounds, counts, sum, count } = metrics[key];
    return [
      ...counts.map((value, i): Sample => ['_bucket', { le: i < bounds.length ? bounds[i]! : '+Inf' }, value]),
      ['_sum', {}, sum],
      ['_count', {}, count],
    ];
  }),
  histogram: key,
});

const one = (value: number): Sample[] => [['', {}, value]];
/** One sample per key of `counts`, labelled `label="key"`. */
const by = (label: string, counts: Record<string | number, number>): Sample[] =>
  Object.entries(counts).map(([key, value]) => ['', { [label]: key }, value]);

/**
 * Every metric a registry exports, read from its {@link StreamMetrics}: the one list both the
 * Prometheus text and the OpenTelemetry instruments are made from.
 */
export const FAMILIES: readonly Family[] = [
  gauge('sse_rx_open_streams', '{stream}', 'Streams open now.', (m) => one(m.openStreams)),
  counter('sse_rx_streams_opened_total', '{stream}', 'Streams let in.', (m) => one(m.openedStreams)),
  counter(
    'sse_rx_streams_refused_total',
    '{stream}',
    'Streams refused, by HTTP status (429 per-key limit; 503 stream limit or shutdown).',
    (m) => by('status', m.refusedByStatus),
  ),
  counter('sse_rx_streams_resumed_total', '{stream}', 'Streams whose request carried a Last-Event-ID.', (m) =>
    one(m.resumedStreams),
  ),
  counter(
    'sse_rx_messages_sent_total',
    '{message}',
    'Messages (events, comments, heartbeats, retry hints) handed to the connections.',
    (m) => one(m.sentMessages),
  ),
  counter('sse_rx_bytes_sent_total', 'By', 'Bytes of encoded messages handed to the connections.', (m) =>
    one(m.sentBytes),
  ),
  gauge('sse_rx_buffered_bytes', 'By', 'Bytes waiting in the write queues of the open streams.', (m) =>
    one(m.bufferedBytes),
  ),
  counter('sse_rx_messages_dropped_total', '{message}', 'Messages discarded by a drop policy, by policy.', (m) =>
    by('policy', m.droppedByPolicy),
  ),
  counter('sse_rx_messages_skipped_total', '{message}', 'Messages skipped because the codec refused them.', (m) =>
    one(m.skippedMessages),
  ),
  counter(
    'sse_rx_slow_client_closes_total',
    '{stream}',
    "Streams closed for reading too slowly, by policy ('close' per stream, 'maxBufferedBytes' for the registry).",
    (m) => by('policy', m.slowClientsByPolicy),
  ),
  counter(
    'sse_rx_resets_total',
    '{reset}',
    'Reset events sent to clients whose Last-Event-ID could not be served exactly, by reason.',
    (m) => by('reason', m.resets),
  ),
  counter(
    'sse_rx_errors_total',
    '{error}',
    "Source errors by status, sent as an HTTP answer ('http') or as an error event ('event').",
    (m) =>
      (['http', 'event'] as const).flatMap((sentAs) =>
        Object.entries(m.errors[sentAs]).map(([status, value]): Sample => ['', { status, sent_as: sentAs }, value]),
      ),
  ),
  counter(
    'sse_rx_shutdown_closes_total',
    '{stream}',
    "Streams closed by shutdown: 'ended' got the last message, 'destroyed' were still open at the deadline.",
    (m) => by('kind', m.shutdownCloses),
  ),
  gauge('sse_rx_oldest_stream_age_seconds', 's', 'Age of the oldest open stream; 0 without streams.', (m) =>
    one(m.oldestStreamSeconds),
  ),
  histogram('sse_rx_stream_duration_seconds', 's', 'How long closed streams were open.', 'streamDurations'),
  histogram(
    'sse_rx_replayed_events',
    '{event}',
    'Events a store replayed to each resuming stream (a reset is counted in sse_rx_resets_total instead).',
    'replayedEvents',
  ),
  histogram(
    'sse_rx_store_lag_seconds',
    's',
    "Time from an event's append to its delivery by the store (Redis: from the XADD id), once per event.",
    'storeLag',
  ),
  gauge('sse_rx_store_last_lag_seconds', 's', 'The store lag of the latest event delivered; 0 before the first.', (m) =>
    one(m.lastStoreLagSeconds),
  ),
];
