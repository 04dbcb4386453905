import type { StreamMetrics } from '../streamRegistryTypes.js';

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
}

const one = (value: number): Sample[] => [['', {}, value]];
/** One sample per key of `counts`, labelled `label="key"`. */
const by = (label: string, counts: Record<string | number, number>): Sample[] =>
  Object.entries(counts).map(([key, value]) => ['', { [label]: key }, value]);

/**
 * Every metric a registry exports, read from its {@link StreamMetrics}: the one list both the
 * Prometheus text and the OpenTelemetry instruments are made from.
 */
export const FAMILIES: readonly Family[] = [
  {
    name: 'sse_rx_open_streams',
    unit: '{stream}',
    type: 'gauge',
    help: 'Streams open now.',
    samples: (m) => one(m.openStreams),
  },
  {
    name: 'sse_rx_streams_opened_total',
    unit: '{stream}',
    type: 'counter',
    help: 'Streams let in.',
    samples: (m) => one(m.openedStreams),
  },
  {
    name: 'sse_rx_streams_refused_total',
    unit: '{stream}',
    type: 'counter',
    help: 'Streams refused, by HTTP status (429 per-key limit; 503 stream limit or shutdown).',
    samples: (m) => by('status', m.refusedByStatus),
  },
  {
    name: 'sse_rx_streams_resumed_total',
    unit: '{stream}',
    type: 'counter',
    help: 'Streams whose request carried a Last-Event-ID.',
    samples: (m) => one(m.resumedStreams),
  },
  {
    name: 'sse_rx_messages_sent_total',
    unit: '{message}',
    type: 'counter',
    help: 'Messages (events, comments, heartbeats, retry hints) handed to the connections.',
    samples: (m) => one(m.sentMessages),
  },
  {
    name: 'sse_rx_bytes_sent_total',
    unit: 'By',
    type: 'counter',
    help: 'Bytes of encoded messages handed to the connections.',
    samples: (m) => one(m.sentBytes),
  },
  {
    name: 'sse_rx_buffered_bytes',
    unit: 'By',
    type: 'gauge',
    help: 'Bytes waiting in the write queues of the open streams.',
    samples: (m) => one(m.bufferedBytes),
  },
  {
    name: 'sse_rx_messages_dropped_total',
    unit: '{message}',
    type: 'counter',
    help: 'Messages discarded by a drop policy, by policy.',
    samples: (m) => by('policy', m.droppedByPolicy),
  },
  {
    name: 'sse_rx_messages_skipped_total',
    unit: '{message}',
    type: 'counter',
    help: 'Messages skipped because the codec refused them.',
    samples: (m) => one(m.skippedMessages),
  },
  {
    name: 'sse_rx_slow_client_closes_total',
    unit: '{stream}',
    type: 'counter',
    help: "Streams closed for reading too slowly, by policy ('close' per stream, 'maxBufferedBytes' for the registry).",
    samples: (m) => by('policy', m.slowClientsByPolicy),
  },
  {
    name: 'sse_rx_resets_total',
    unit: '{reset}',
    type: 'counter',
    help: 'Reset events sent to clients whose Last-Event-ID could not be served exactly, by reason.',
    samples: (m) => by('reason', m.resets),
  },
  {
    name: 'sse_rx_errors_total',
    unit: '{error}',
    type: 'counter',
    help: "Source errors by status, sent as an HTTP answer ('http') or as an error event ('event').",
    samples: (m) =>
      (['http', 'event'] as const).flatMap((sentAs) =>
        Object.entries(m.errors[sentAs]).map(([status, value]): Sample => ['', { status, sent_as: sentAs }, value]),
      ),
  },
  {
    name: 'sse_rx_shutdown_closes_total',
    unit: '{stream}',
    type: 'counter',
    help: "Streams closed by shutdown: 'ended' got the last message, 'destroyed' were still open at the deadline.",
    samples: (m) => by('kind', m.shutdownCloses),
  },
  {
    name: 'sse_rx_oldest_stream_age_seconds',
    unit: 's',
    type: 'gauge',
    help: 'Age of the oldest open stream; 0 without streams.',
    samples: (m) => one(m.oldestStreamSeconds),
  },
  {
    name: 'sse_rx_stream_duration_seconds',
    unit: 's',
    type: 'histogram',
    help: 'How long closed streams were open.',
    samples: ({ streamDurations: { bounds, counts, sum, count } }) => [
      ...counts.map((value, i): Sample => ['_bucket', { le: i < bounds.length ? bounds[i]! : '+Inf' }, value]),
      ['_sum', {}, sum],
      ['_count', {}, count],
    ],
  },
];
