import { describe, expect, test } from 'vitest';
import { rawRequest, readmeCommand, startExample, statusOf } from './exampleProcess.js';

const get = (path: string, headers = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;
/** A POST whose body never arrives in full: the client leaves after 7 of 100 bytes. */
const truncatedPost = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"from"`;

/** One hostile request: to which printed origin (0 the first), and the status it must get (undefined: any, or none). */
interface BadRequest {
  what: string;
  origin: number;
  request: string;
  status?: number;
  hangUp?: boolean;
}

const cases: Record<string, BadRequest[]> = {
  chat: [
    { what: 'GET //[', origin: 0, request: get('//['), status: 400 },
    { what: 'a POST body cut short', origin: 0, request: truncatedPost('/messages'), hangUp: true },
  ],
  demo: [{ what: 'GET //[', origin: 0, request: get('//['), status: 400 }],
  'llm-tokens': [
    { what: 'GET //[', origin: 0, request: get('//['), status: 404 },
    { what: 'a POST body cut short', origin: 0, request: truncatedPost('/completions'), hangUp: true },
  ],
  clock: [{ what: 'GET //[', origin: 0, request: get('//['), hangUp: true }],
  'custom-events': [{ what: 'GET //[', origin: 0, request: get('//['), hangUp: true }],
  'broadcast-presence': [
    { what: 'GET //[', origin: 0, request: get('//['), status: 404 },
    { what: 'a POST body cut short', origin: 0, request: truncatedPost('/persons'), hangUp: true },
  ],
  frameworks: [0, 1, 2, 3].map((origin) => ({
    what: `GET //[ on server ${origin}`,
    origin,
    request: get('//['),
    status: 404,
  })),
  cors: [
    { what: 'Cookie: session=% on the page', origin: 0, request: get('/', 'Cookie: session=%\r\n'), status: 400 },
    { what: 'a CRLF in the page cookie', origin: 0, request: get('/', 'Cookie: session=a%0D%0Ab\r\n'), status: 400 },
    {
      what: 'Cookie: session=% on the stream',
      origin: 1,
      request: get('/events', 'Cookie: session=%\r\n'),
      status: 400,
    },
  ],
};

describe.concurrent.each(Object.entries(cases))('the %s example', (example, requests) => {
  test('survives bad requests (400 where it reads the target) and keeps running', async () => {
    const running = startExample(readmeCommand(example));
    try {
      await running.waitFor(/running: Ctrl-C to stop/, 30_000);
      const origins = running.origins();
      for (const bad of requests) {
        const answer = await rawRequest(origins[bad.origin]!, bad.request, 3000, bad.hangUp);
        if (bad.status !== undefined) expect(statusOf(answer), bad.what).toBe(bad.status);
      }
      // Still alive: every origin answers a plain request (a stream's head is enough).
      for (const origin of origins)
        expect(statusOf(await rawRequest(origin, get('/'), 3000, true)), origin).toBeGreaterThan(0);
      expect(running.output()).not.toMatch(/Error|ELIFECYCLE/);
    } finally {
      await running.stop();
    }
  }, 60_000);
});
