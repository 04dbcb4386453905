import type { StreamRegistry } from '../streamRegistryTypes.js';
import { FAMILIES, type Labels } from './families.js';

/** The content type of the Prometheus text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

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
