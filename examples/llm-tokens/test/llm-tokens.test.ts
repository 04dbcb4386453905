import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { complete } from '../src/client.js';
import { start, type Lifecycle, type Running } from '../src/server.js';

let server: Running;
beforeAll(async () => {
  server = await start(0, 5);
});
afterAll(() => server.close());

const next = (step: Lifecycle) => firstValueFrom(server.lifecycle$.pipe(filter((s) => s === step)));

test('the answer arrives token by token, then the stream ends and the Observable completes', async () => {
  const finished = next('tokens-completed');
  const tokens = await lastValueFrom(complete(server.url, 'hello').pipe(toArray()));
  expect(tokens.length).toBeGreaterThan(5);
  expect(tokens[0]).toBe('You');
  expect(tokens.join('')).toBe(
    'You asked: "hello". Here is an answer, streamed one token at a time, like a real model would.',
  );
  await finished;
});

test('unsubscribing aborts: the server sees the request closed and unsubscribes the model', async () => {
  const slow = await start(0, 200);
  try {
    const steps: Lifecycle[] = [];
    slow.lifecycle$.subscribe((s) => steps.push(s));
    const closed = firstValueFrom(slow.lifecycle$.pipe(filter((s) => s === 'request-closed')));
    const unsubscribed = firstValueFrom(slow.lifecycle$.pipe(filter((s) => s === 'tokens-unsubscribed')));
    // take(2) unsubscribes after the second token, long before the model is done.
    const first = await lastValueFrom(complete(slow.url, 'stop me').pipe(take(2), toArray()));
    expect(first).toEqual(['You', ' asked:']);
    await Promise.all([closed, unsubscribed]);
    expect(steps).not.toContain('tokens-completed');
  } finally {
    await slow.close();
  }
});

test('a body without a prompt is refused with 400', async () => {
  const response = await fetch(new URL('completions', server.url), { method: 'POST', body: '{"nope":1}' });
  expect(response.status).toBe(400);
  await response.text();
});
