import { filter, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { fromSse, isSseServerError } from 'sse-rx-client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cancel, complete } from '../src/client.js';
import { start, type Lifecycle, type Running } from '../src/server.js';

let server: Running;
beforeAll(async () => {
  server = await start(0, 5);
});
afterAll(() => server.close());

const next = (running: Running, step: Lifecycle) => firstValueFrom(running.lifecycle$.pipe(filter((s) => s === step)));
const ANSWER = 'You asked: "hello". Here is an answer, streamed one token at a time, like a real model would.';

test('the answer arrives token by token, then the stream ends and the Observable completes', async () => {
  const finished = next(server, 'tokens-completed');
  const tokens = await lastValueFrom(complete(server.url, 'hello').pipe(toArray()));
  expect(tokens[0]).toBe('You');
  expect(tokens.join('')).toBe(ANSWER);
  await finished;
});

test('a client that leaves does not stop the model: the answer can be followed by id afterwards', async () => {
  const finished = next(server, 'tokens-completed');
  const first = await lastValueFrom(complete(server.url, 'hello', 'left-early').pipe(take(2), toArray()));
  expect(first).toEqual(['You', ' asked:']);
  await finished;
  const followed = await lastValueFrom(
    fromSse(new URL('completions/left-early', server.url).href, { reconnect: false }).pipe(
      filter((event) => event.type === 'token'),
      map((event) => (JSON.parse(event.data) as { text: string }).text),
      toArray(),
    ),
  );
  expect(followed.join('')).toBe(ANSWER);
});

test('cancel unsubscribes the model and ends the answer with a cancelled error', async () => {
  const slow = await start(0, 200);
  try {
    const unsubscribed = next(slow, 'tokens-unsubscribed');
    const outcome = lastValueFrom(complete(slow.url, 'stop me', 'to-cancel')).then(
      () => 'completed',
      (error: unknown) => error,
    );
    await firstValueFrom(slow.lifecycle$.pipe(filter((s) => s === 'tokens-started')));
    expect(await cancel(slow.url, 'to-cancel')).toBe('cancelled');
    await unsubscribed;
    const error = await outcome;
    expect(isSseServerError(error) && error.code).toBe('cancelled');
    expect(await cancel(slow.url, 'nope')).toBe('unknown');
  } finally {
    await slow.close();
  }
});

test('a body without a prompt is refused with 400', async () => {
  const response = await fetch(new URL('completions', server.url), { method: 'POST', body: '{"nope":1}' });
  expect(response.status).toBe(400);
  await response.text();
});
