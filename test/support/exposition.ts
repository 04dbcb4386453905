import { expect } from 'vitest';

/** A parsed exposition: samples by `name{label="value",...}` (labels sorted), and each family's type. */
export interface Exposition {
  samples: Map<string, number>;
  types: Map<string, string>;
}

// The text format 0.0.4, line by line.
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE}(?:,[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})*)?\\}`;
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]Inf|NaN)';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(${LABELS})? (${VALUE})$`);
const LABEL_PAIR = new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)=(${LABEL_VALUE})`, 'g');

/** Parses exposition text, failing on any line that is not valid, a sample before its TYPE, or a repeated series. */
export function parse(text: string): Exposition {
  expect(text.endsWith('\n')).toBe(true);
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  let family = '';
  for (const line of text.slice(0, -1).split('\n')) {
    const help = HELP_LINE.exec(line);
    const type = TYPE_LINE.exec(line);
    const sample = SAMPLE_LINE.exec(line);
    if (help) continue;
    if (type) {
      expect(types.has(type[1]!), `TYPE ${type[1]} twice`).toBe(false);
      family = type[1]!;
      types.set(family, type[2]!);
      continue;
    }
    if (!sample) throw new Error(`not exposition format: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    const ownFamily = types.get(family) === 'histogram' ? name.replace(/_(bucket|sum|count)$/, '') : name;
    expect(ownFamily, `${name} outside its family`).toBe(family);
    const labels = [...(sample[2] ?? '').matchAll(LABEL_PAIR)].map(
      ([, label, value]) => `${label}=${JSON.stringify(unescapeLabel(value!.slice(1, -1)))}`,
    );
    const key = `${name}{${labels.sort().join(',')}}`;
    expect(samples.has(key), `${key} twice`).toBe(false);
    samples.set(key, Number(sample[3]!.replace('Inf', 'Infinity')));
  }
  return { samples, types };
}

const unescapeLabel = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Scrapes `url` over a real socket and parses the answer. */
export async function scrape(url: string): Promise<Exposition & { text: string }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, ...parse(text) };
}

/** The value of one series: `sample(e, 'sse_rx_resets_total', { registry: 'live', reason: 'trimmed' })`. */
export function sample(exposition: Exposition, name: string, labels: Record<string, string>): number | undefined {
  const key = Object.entries(labels)
    .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
    .sort()
    .join(',');
  return exposition.samples.get(`${name}{${key}}`);
}
