import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { times } from '../src/client.js';
import { start, type Running } from '../src/server.js';

let server: Running;
beforeAll(async () => {
  server = await start(0, 50);
});
afterAll(() => server.close());

test('the client receives ISO times, in order, as default message events', async () => {
  const before = Date.now();
  const received = await firstValueFrom(times(server.url).pipe(take(3), toArray()));
  expect(received).toHaveLength(3);
  const ms = received.map((t) => Date.parse(t));
  for (const [i, t] of ms.entries()) {
    expect(new Date(t).toISOString()).toBe(received[i]);
    expect(t).toBeGreaterThanOrEqual(before - 1000);
    if (i > 0) expect(t).toBeGreaterThanOrEqual(ms[i - 1]!);
  }
});

test('the wire carries plain data lines with the event-stream content type', async () => {
  const controller = new AbortController();
  const response = await fetch(server.url, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  controller.abort();
  expect(new TextDecoder().decode(value)).toMatch(/^data: \d{4}-\d\d-\d\dT[\d:.]+Z\n\n/);
});
