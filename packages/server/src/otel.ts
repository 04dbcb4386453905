/**
 * `sse-rx-server/otel`: the registry metrics as OpenTelemetry instruments. Only types come from
 * `@opentelemetry/api` (an optional peer dependency): the Meter is yours, so this entry imports
 * nothing at run time and the main entry never references it.
 * @module
 */
import type { BatchObservableResult, Meter, Observable as OtelObservable } from '@opentelemetry/api';
import { FAMILIES } from './metrics/families.js';
import { checkNames } from './metrics/prometheusText.js';
import type { StreamRegistry } from './streamRegistryTypes.js';

/**
 * Registers observable instruments on `meter` that read the metrics of `registries` (the same figures
 * as `registry.prometheus()`) each time the meter's readers collect: nothing is counted on the
 * write path. Instruments are named like the Prometheus series without `_total` (an OpenTelemetry
 * Prometheus exporter adds it back to counters), e.g. `sse_rx_messages_sent` (a counter),
 * `sse_rx_open_streams` (a gauge), each with the attribute `registry` and the series' own labels
 * (`policy`, `reason`, `status`, `sent_as`, `kind`). The histograms (stream durations, replayed
 * events, store lag) are exported by Prometheus only: OpenTelemetry has no observable histogram;
 * the store lag is also the gauge `sse_rx_store_last_lag_seconds`.
 *
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * import { createStreamRegistry } from 'sse-rx-server';
 * import { observeRegistries } from 'sse-rx-server/otel';
 * const registry = createStreamRegistry({ name: 'prices' });
 * const stop = observeRegistries(metrics.getMeter('sse-rx-server'), registry);
 * // each collection now observes e.g. sse_rx_open_streams { registry: 'prices' } 2
 * stop(); // removes the callback
 * ```
 * @param meter - the Meter to create the instruments on (from `metrics.getMeter(...)` or a MeterProvider).
 * @param registries - a registry, or several with distinct names.
 * @throws TypeError when two registries share a name.
 * @returns a function that removes the callback (the instruments then report nothing more).
 * @public
 */
export function observeRegistries(meter: Meter, registries: StreamRegistry | readonly StreamRegistry[]): () => void {
  const list = Array.isArray(registries) ? (registries as readonly StreamRegistry[]) : [registries as StreamRegistry];
  checkNames(list);
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
