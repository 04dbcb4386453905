import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

type Points = {
  values: Record<string, number>;
  descriptors: Record<string, { unit: string; description: string; type: string }>;
};

/** Runs fixtures/otelScenario.ts in a plain Node process (see there why) and returns what it collected. */
async function scenario(): Promise<{ duplicate: string; open: Points; closed: Points; stopped: Points }> {
  const script = fileURLToPath(new URL('./fixtures/otelScenario.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=sse-rx-source', '--import', 'tsx', script],
    { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
  );
  return JSON.parse(stdout);
}

describe('observeRegistries', () => {
  it('reports the registry figures through a real SDK Meter, per registry, until stopped', async () => {
    const { duplicate, open, closed, stopped } = await scenario();
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
    expect(Object.keys(open.descriptors).some((name) => name.includes('replayed'))).toBe(false);
    expect(Object.keys(open.descriptors).some((name) => name.includes('duration'))).toBe(false);
    expect(closed.values['sse_rx_open_streams{registry=a}']).toBe(0);
    expect(closed.values['sse_rx_streams_opened{registry=a}']).toBe(2);
    expect(stopped.values['sse_rx_streams_opened{registry=a}']).not.toBe(3);
    expect(stopped.values['sse_rx_open_streams{registry=a}']).not.toBe(1);
  });
});
