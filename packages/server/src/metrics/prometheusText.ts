import type { StreamMetrics, StreamRegistry } from '../streamRegistryTypes.js';

/** The content type of the Prometheus text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string | number>;
type Sample = readonly [suffix: string, labels: Labels, value: number];

/** One metric family: its name, type, help text, and how to read its samples from a snapshot. */
interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly samples: (metrics: StreamMetrics) => Sample[];
}

const one = (value: number): Sample[] => [['', {}, value]];
/** One sample per key of `counts`, labelled `label="key"`. */
const by = (label: string, counts: Record<string | number, number>): Sample[] =>
  Object.entries(counts).map(([key, value]) => ['', { [label]: key }, value]);

const FAMILIES: readonly Family[] = [
  { name: 'sse_rx_open_streams', type: 'gauge', help: 'Streams open now.', samples: (m) => one(m.openStreams) },
  {
    name: 'sse_rx_streams_opened_total',
    type: 'counter',
    help: 'Streams let in.',
    samples: (m) => one(m.openedStreams),
  },
  {
    name: 'sse_rx_streams_refused_total',
    type: 'counter',
    help: 'Streams refused, by HTTP status (429 per-key limit; 503 stream limit or shutdown).',
    samples: (m) => by('status', m.refusedByStatus),
  },
  {
    name: 'sse_rx_streams_resumed_total',
    type: 'counter',
    help: 'Streams whose request carried a Last-Event-ID.',
    samples: (m) => one(m.resumedStreams),
  },
  {
    name: 'sse_rx_messages_sent_total',
    type: 'counter',
    help: 'Messages (events, comments, heartbeats, retry hints) handed to the connections.',
    samples: (m) => one(m.sentMessages),
  },
  {
    name: 'sse_rx_bytes_sent_total',
    type: 'counter',
    help: 'Bytes of encoded messages handed to the connections.',
    samples: (m) => one(m.sentBytes),
  },
  {
    name: 'sse_rx_buffered_bytes',
    type: 'gauge',
    help: 'Bytes waiting in the write queues of the open streams.',
    samples: (m) => one(m.bufferedBytes),
  },
  {
    name: 'sse_rx_messages_dropped_total',
    type: 'counter',
    help: 'Messages discarded by a drop policy, by policy.',
    samples: (m) => by('policy', m.droppedByPolicy),
  },
  {
    name: 'sse_rx_messages_skipped_total',
    type: 'counter',
    help: 'Messages skipped because the codec refused them.',
    samples: (m) => one(m.skippedMessages),
  },
  {
    name: 'sse_rx_slow_client_closes_total',
    type: 'counter',
    help: "Streams closed for reading too slowly, by policy ('close' per stream, 'maxBufferedBytes' for the registry).",
    samples: (m) => by('policy', m.slowClientsByPolicy),
  },
  {
    name: 'sse_rx_resets_total',
    type: 'counter',
    help: 'Reset events sent to clients whose Last-Event-ID could not be served exactly, by reason.',
    samples: (m) => by('reason', m.resets),
  },
  {
    name: 'sse_rx_errors_total',
    type: 'counter',
    help: "Source errors by status, sent as an HTTP answer ('http') or as an error event ('event').",
    samples: (m) =>
      (['http', 'event'] as const).flatMap((sentAs) =>
        Object.entries(m.errors[sentAs]).map(([status, value]): Sample => ['', { status, sent_as: sentAs }, value]),
      ),
  },
  {
    name: 'sse_rx_shutdown_closes_total',
    type: 'counter',
    help: "Streams closed by shutdown: 'ended' got the last message, 'destroyed' were still open at the deadline.",
    samples: (m) => by('kind', m.shutdownCloses),
  },
  {
    name: 'sse_rx_oldest_stream_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest open stream; 0 without streams.',
    samples: (m) => one(m.oldestStreamSeconds),
  },
  {
    name: 'sse_rx_stream_duration_seconds',
    type: 'histogram',
    help: 'How long closed streams were open.',
    samples: ({ streamDurations: { bounds, counts, sum, count } }) => [
      ...counts.map((value, i): Sample => ['_bucket', { le: i < bounds.length ? bounds[i]! : '+Inf' }, value]),
      ['_sum', {}, sum],
      ['_count', {}, count],
    ],
  },
];

/**
 * The metrics of `registries` in the Prometheus text exposition format 0.0.4: one `# HELP` and
 * `# TYPE` per family, then a sample per registry labelled `registry="<name>"`.
 * @throws TypeError when two registries share a name (their series would collide).
 */
export function prometheusText(registries: readonly StreamRegistry[]): string {
  checkNames(registries);
  const snapshots = registries.map((registry) => ({ name: registry.name, metrics: registry.metrics() }));
  const lines: string[] = [];
  for (const family of FAMILIES) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const { name, metrics } of snapshots) {
      for (const [suffix, labels, value] of family.samples(metrics)) {
        lines.push(`${family.name}${suffix}${labelSet({ registry: name, ...labels })} ${formatValue(value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Refuses registries with the same name: Prometheus would see one series twice. */
export function checkNames(registries: readonly StreamRegistry[]): void {
  const seen = new Set<string>();
  for (const { name } of registries) {
    if (seen.has(name)) {
      throw new TypeError(`Two registries are named '${name}': give each its own createStreamRegistry({ name })`);
    }
    seen.add(name);
  }
}

/** `{a="1",b="2"}`, values escaped as the format requires (backslash, double quote, line feed). */
function labelSet(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(String(value))}"`);
  return `{${pairs.join(',')}}`;
}

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A sample value: integers as is, `+Inf`/`-Inf`/`NaN` spelled as the format does. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
