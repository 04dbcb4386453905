import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listen } from '../src/client.js';
import { start, type Running } from '../src/server.js';

let server: Running;
beforeAll(async () => {
  server = await start(0, 50);
});
afterAll(() => server.close());

test('each listener gets its own event type; a json event keeps the last id of the test event before it', async () => {
  const seen = await firstValueFrom(listen(server.url).pipe(take(4), toArray()));
  expect(seen).toEqual([
    { listener: 'test', text: 'test event 1', lastEventId: '1' },
    { listener: 'json', text: 'round 1, load 1/1', lastEventId: '1' },
    { listener: 'test', text: 'test event 2', lastEventId: '2' },
    { listener: 'json', text: 'round 2, load 2/2', lastEventId: '2' },
  ]);
});

test('the wire carries the retry hint, the comment, the id and multi-line JSON data', async () => {
  const controller = new AbortController();
  const response = await fetch(server.url, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  // Read until the first json event is complete (bounded).
  for (let i = 0; i < 20 && !/event: json\n(data: .*\n){3,}\n/.test(text); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  expect(text.startsWith('retry: 3000\n\n: custom-events example')).toBe(true);
  expect(text).toContain('event: test\nid: 1\ndata: test event 1\n\n');
  expect(text).toMatch(/event: json\ndata: \{\ndata: {3}"round": 1,\n/);
});
