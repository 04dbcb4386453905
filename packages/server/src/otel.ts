/**
 * `sse-rx-server/otel`: the registry metrics as OpenTelemetry instruments. Only types come from
 * `@opentelemetry/api` (an optional peer dependency): the Meter is yours, so this entry imports
 * nothing at run time and the main entry never references it.
 * @module
 */
import type { BatchObservableResult, Meter, Observable as OtelObservable } from '@opentelemetry/api';
import { FAMILIES } from './metrics/families.js';
import { BOUNDS, histogramsOf } from './metrics/histogram.js';
import { checkNames } from './metrics/prometheusText.js';
import type { StreamRegistry } from './streamRegistryTypes.js';

/**
 * Registers instruments on `meter` for the metrics of `registries` (the same figures as
 * `registry.prometheus()`). Instruments are named like the Prometheus series without `_total` (an
 * OpenTelemetry Prometheus exporter adds it back to counters), e.g. `sse_rx_messages_sent` (a
 * counter), `sse_rx_open_streams` (a gauge), each with the attribute `registry` and the series' own
 * labels (`policy`, `reason`, `status`, `sent_as`, `kind`). Counters and gauges are observable: they
 * read `registry.metrics()` each time the meter's readers collect, so nothing is counted on the write
 * path. The three histograms (`sse_rx_stream_duration_seconds`, `sse_rx_replayed_events`,
 * `sse_rx_store_lag_seconds`) are synchronous Histograms with the Prometheus buckets as advice:
 * each value a registry's histogram observes from this call on is recorded there too (one record
 * per closed stream, per resume, per event delivered by a store); values observed before the call
 * are not replayed (`registry.prometheus()` has them).
 *
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * import { createStreamRegistry } from 'sse-rx-server';
 * import { observeRegistries } from 'sse-rx-server/otel';
 * const registry = createStreamRegistry({ name: 'prices' });
 * const stop = observeRegistries(metrics.getMeter('sse-rx-server'), registry);
 * // each collection now observes e.g. sse_rx_open_streams { registry: 'prices' } 2, and a stream
 * // closed after 3 s is recorded as 3 on sse_rx_stream_duration_seconds { registry: 'prices' }
 * stop(); // removes the callback and stops recording
 * ```
 * @param meter - the Meter to create the instruments on (from `metrics.getMeter(...)` or a MeterProvider).
 * @param registries - a registry, or several with distinct names.
 * @throws TypeError when two registries share a name.
 * @returns a function that removes the callback and stops the recording (the instruments then report nothing more).
 * @public
 */
export function observeRegistries(meter: Meter, registries: StreamRegistry | readonly StreamRegistry[]): () => void {
  const list = Array.isArray(registries) ? (registries as readonly StreamRegistry[]) : [registries as StreamRegistry];
  checkNames(list);
  const stops = [observeSnapshots(meter, list), ...recordHistograms(meter, list)];
  return () => {
    for (const stop of stops) stop();
  };
}

/** Observable counters and gauges read from each registry's `metrics()` at collection; returns their removal. */
function observeSnapshots(meter: Meter, list: readonly StreamRegistry[]): () => void {
  const instruments = FAMILIES.filter((family) => family.type !== 'histogram').map((family) => {
    const options = { description: family.help, unit: family.unit };
    const name = family.name.replace(/_total$/, '');
    const instrument: OtelObservable =
      family.type === 'counter'
        ? meter.createObservableCounter(name, options)
        : meter.createObservableGauge(name, options);
    return { family, instrument };
  });
  const callback = (observer: BatchObservableResult) => {
    for (const registry of list) {
      const metrics = registry.metrics();
      for (const { family, instrument } of instruments) {
        for (const [, labels, value] of family.samples(metrics)) {
          observer.observe(instrument, value, { registry: registry.name, ...labels });
        }
      }
    }
  };
  const observables = instruments.map(({ instrument }) => instrument);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

/** One Histogram per histogram family, fed by each registry's histogram from now on; returns one stop per registry and family. */
function recordHistograms(meter: Meter, list: readonly StreamRegistry[]): Array<() => void> {
  return FAMILIES.flatMap(({ name, help, unit, histogram: key }) => {
    if (!key) return [];
    const advice = { explicitBucketBoundaries: [...BOUNDS[key]] };
    const instrument = meter.createHistogram(name, { description: help, unit, advice });
    return list.map((registry) => {
      const attributes = { registry: registry.name };
      return histogramsOf(registry)[key].listen((value) => instrument.record(value, attributes));
    });
  });
}
