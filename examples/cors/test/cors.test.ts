import { firstValueFrom, take, toArray } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { start, type Running } from '../src/server.js';

let running: Running;
let pageOrigin: string;
beforeAll(async () => {
  running = await start(0, [], 50);
  pageOrigin = new URL(running.url).origin;
});
afterAll(() => running.close());

test('the page sets the session cookie and opens the other origin with withCredentials', async () => {
  const response = await fetch(running.url);
  expect(response.headers.get('set-cookie')).toMatch(/^session=\w+; Path=\/; HttpOnly; SameSite=Lax$/);
  const html = await response.text();
  expect(html).toContain(`new EventSource(${JSON.stringify(running.streamUrl)}, { withCredentials: true })`);
  expect(new URL(running.streamUrl).origin).not.toBe(pageOrigin);
});

test('an allowed origin gets the credentialed CORS headers and its cookie is seen', async () => {
  let headers: Headers | undefined;
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    headers = response.headers;
    return response;
  };
  const events = await firstValueFrom(
    fromSse(running.streamUrl, {
      headers: { origin: pageOrigin, cookie: 'session=abc123' },
      reconnect: false,
      fetch: recording,
    }).pipe(take(3), toArray()),
  );
  expect(headers?.get('access-control-allow-origin')).toBe(pageOrigin);
  expect(headers?.get('access-control-allow-credentials')).toBe('true');
  expect(events.map((e) => `${e.type}:${e.data}`)).toEqual(['hello:{"session":"abc123"}', 'tick:0', 'tick:1']);
});

test('a preflight from an allowed origin is answered; another origin is refused with 403', async () => {
  const preflight = await fetch(running.streamUrl, { method: 'OPTIONS', headers: { origin: pageOrigin } });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(pageOrigin);
  const refused = await fetch(running.streamUrl, { headers: { origin: 'http://evil.example' } });
  expect(refused.status).toBe(403);
  expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  await refused.text();
});
