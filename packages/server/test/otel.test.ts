import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistogramSnapshot } from '../src/index.js';

/** A histogram data point of the SDK: per-bucket (not cumulative) counts, one more than the boundaries. */
type OtelHistogram = { boundaries: number[]; counts: number[]; sum: number; count: number };
type HistogramName = 'streamDurations' | 'replayedEvents' | 'storeLag';
/** What the scenario collected at one step, with each registry's own histograms (what Prometheus gets). */
type Points = {
  values: Record<string, number>;
  histograms: Record<string, OtelHistogram>;
  descriptors: Record<string, { unit: string; description: string; type: string }>;
  prometheus: Record<'a' | 'b', Record<HistogramName, HistogramSnapshot>>;
};
type Scenario = {
  duplicate: string;
  open: Points;
  firstDuration: { min: number; max: number };
  oneClosed: Points;
  closed: Points;
  stopped: Points;
  lateClosed: Points;
  other: Points;
};

/** Runs fixtures/otelScenario.ts in a plain Node process (see there why) and returns what it collected. */
async function scenario(): Promise<Scenario> {
  const script = fileURLToPath(new URL('./fixtures/otelScenario.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=sse-rx-source', '--import', 'tsx', script],
    { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
  );
  return JSON.parse(stdout);
}

/** The data point of each histogram of registry a. */
const OF_A: Record<HistogramName, string> = {
  streamDurations: 'sse_rx_stream_duration_seconds{registry=a}',
  replayedEvents: 'sse_rx_replayed_events{registry=a}',
  storeLag: 'sse_rx_store_lag_seconds{registry=a}',
};

/** An OpenTelemetry histogram point as Prometheus counts it: cumulative counts, the last one for `+Inf`. */
function cumulative({ boundaries, counts, sum, count }: OtelHistogram): HistogramSnapshot {
  let total = 0;
  return { bounds: boundaries, counts: counts.map((n) => (total += n)), sum, count };
}

describe('observeRegistries', () => {
  let run: Scenario;
  beforeAll(async () => {
    run = await scenario();
  });

  it('reports the registry figures through a real SDK Meter, per registry, until stopped', () => {
    const { duplicate, open, closed, stopped } = run;
    expect(duplicate).toBe("TypeError: Two registries are named 'a': give each its own createStreamRegistry({ name })");
    expect(open.values['sse_rx_open_streams{registry=a}']).toBe(2);
    expect(open.values['sse_rx_open_streams{registry=b}']).toBe(0);
    expect(open.values['sse_rx_streams_opened{registry=a}']).toBe(2);
    expect(open.values['sse_rx_streams_resumed{registry=a}']).toBe(1);
    expect(open.values['sse_rx_messages_dropped{policy=drop-newest,registry=a}']).toBe(0);
    expect(open.values['sse_rx_resets{reason=trimmed,registry=b}']).toBe(0);
    expect(open.descriptors.sse_rx_bytes_sent).toEqual({
      unit: 'By',
      description: 'Bytes of encoded messages handed to the connections.',
      type: 'counter',
    });
    expect(open.descriptors.sse_rx_open_streams?.type).toBe('gauge');
    expect(open.values['sse_rx_store_last_lag_seconds{registry=a}']).toBe(1.5);
    expect(open.values['sse_rx_store_last_lag_seconds{registry=b}']).toBe(0);
    expect(open.descriptors.sse_rx_store_last_lag_seconds).toMatchObject({ unit: 's', type: 'gauge' });
    expect(closed.values['sse_rx_open_streams{registry=a}']).toBe(0);
    expect(closed.values['sse_rx_streams_opened{registry=a}']).toBe(2);
    expect(stopped.values['sse_rx_streams_opened{registry=a}']).not.toBe(3);
    expect(stopped.values['sse_rx_open_streams{registry=a}']).not.toBe(1);
  });

  it('records the histograms with the Prometheus buckets, from the call on, until stopped', () => {
    const { open, firstDuration, oneClosed, closed, stopped, lateClosed, other } = run;
    // Two streams of a open, one resumed after 3 events, each with a store lag of 1.5 s.
    const replayed = open.histograms[OF_A.replayedEvents]!;
    expect(replayed).toMatchObject({ boundaries: [0, 1, 10, 100, 1000, 10_000], count: 1, sum: 3 });
    expect(cumulative(replayed)).toEqual(open.prometheus.a.replayedEvents);
    const lag = open.histograms[OF_A.storeLag]!;
    expect(lag).toMatchObject({ count: 2, sum: 3 });
    expect(cumulative(lag)).toEqual(open.prometheus.a.storeLag);
    expect(open.descriptors.sse_rx_replayed_events).toEqual({
      unit: '{event}',
      description:
        'Events a store replayed to each resuming stream (a reset is counted in sse_rx_resets_total instead).',
      type: 'histogram',
    });
    expect(open.descriptors.sse_rx_store_lag_seconds).toMatchObject({ unit: 's', type: 'histogram' });
    // No stream closed since the call; b's resume of 7 events and its stream before the call are not replayed.
    expect(open.histograms[OF_A.streamDurations]).toBeUndefined();
    expect(Object.keys(open.histograms).filter((key) => key.includes('registry=b'))).toEqual([]);
    expect(open.prometheus.b.replayedEvents).toMatchObject({ count: 1, sum: 7 });
    expect(open.prometheus.b.streamDurations.count).toBe(1);

    // The first stream closed after 0.2 s or more.
    const duration = oneClosed.histograms[OF_A.streamDurations]!;
    expect(duration).toMatchObject({ boundaries: [0.1, 1, 10, 60, 600, 3600, 21_600], count: 1 });
    expect(duration.sum).toBeGreaterThanOrEqual(firstDuration.min);
    expect(duration.sum).toBeLessThanOrEqual(firstDuration.max);
    expect(cumulative(duration)).toEqual(oneClosed.prometheus.a.streamDurations);
    expect(oneClosed.descriptors.sse_rx_stream_duration_seconds).toEqual({
      unit: 's',
      description: 'How long closed streams were open.',
      type: 'histogram',
    });
    for (const [name, key] of Object.entries(OF_A) as [HistogramName, string][]) {
      expect(cumulative(closed.histograms[key]!)).toEqual(closed.prometheus.a[name]);
    }
    expect(closed.histograms[OF_A.streamDurations]?.count).toBe(2);

    // After stop, a stream resumed after 5 events (lag 1.5 s) opened and closed: counted by
    // Prometheus, not recorded, except by the other observeRegistries call (of a only), still running.
    expect(lateClosed.prometheus.a.streamDurations.count).toBe(3);
    expect(lateClosed.prometheus.a.replayedEvents).toMatchObject({ count: 2, sum: 8 });
    expect(lateClosed.prometheus.a.storeLag).toMatchObject({ count: 3, sum: 4.5 });
    expect(stopped.histograms).toEqual(closed.histograms);
    expect(lateClosed.histograms).toEqual(closed.histograms);
    expect(Object.keys(other.histograms).sort()).toEqual(Object.values(OF_A).sort());
    for (const [name, key] of Object.entries(OF_A) as [HistogramName, string][]) {
      expect(cumulative(other.histograms[key]!)).toEqual(other.prometheus.a[name]);
    }
  });
});
