import { readdirSync } from 'node:fs';
import { connect as connectHttp2 } from 'node:http2';
import { get as httpsGet } from 'node:https';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type ExampleProcess, rawRequest, readmeCommand, repoRoot, startExample, statusOf } from './exampleProcess.js';

/**
 * Reads a response until its text matches `pattern` (bounded in time), then aborts it: enough for
 * streams that never end.
 */
async function readUntil(
  url: string,
  pattern: RegExp,
  init: RequestInit = {},
): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const response = await fetch(url, { ...init, signal: controller.signal });
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (pattern.test(text)) break;
    }
  } catch {
    // Aborted by the deadline: the assertion below says what was missing.
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: response.status, text };
}

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

/** Requests that crashed examples once (`new URL` on `//[`, `decodeURIComponent` on a cookie, a body cut short). */
const badRequests: Record<string, BadRequest[]> = {
  chat: [
    { what: 'GET //[', origin: 0, request: get('//['), status: 400 },
    { what: 'a POST body cut short', origin: 0, request: truncatedPost('/messages'), hangUp: true },
  ],
  demo: [{ what: 'GET //[', origin: 0, request: get('//['), status: 400 }],
  angular: [{ what: 'GET //[', origin: 0, request: get('//['), status: 400 }],
  // Origin 1 is the HTTP/1.1 server (TLS); the HTTP/2 one shares its handler.
  http2: [{ what: 'GET //[ over HTTP/1.1 with TLS', origin: 1, request: get('//['), status: 400 }],
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
  frameworks: [0, 1, 2, 3, 4].map((origin) => ({
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

/**
 * GETs `path` over TLS without checking the (self-signed) certificate, over HTTP/2 or HTTP/1.1,
 * and returns the text once it holds a whole event or the response ends (bounded in time).
 */
function readTls(origin: string, path: string, overHttp2: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => finish(), 10_000);
    const finish = () => {
      clearTimeout(timer);
      session?.destroy();
      request?.destroy();
      resolve(text);
    };
    const collect = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (/\n\n/.test(text) && text.includes('event:')) finish();
    };
    const session = overHttp2 ? connectHttp2(origin, { rejectUnauthorized: false }) : undefined;
    session?.on('error', reject);
    const stream = session?.request({ ':path': path });
    stream?.on('data', collect).on('end', finish).on('error', reject);
    const request = overHttp2
      ? undefined
      : httpsGet(`${origin}${path}`, { rejectUnauthorized: false }, (res) => res.on('data', collect).on('end', finish));
    request?.on('error', reject);
  });
}

/** What to check on each example once its README command is running: origins as printed, in order. */
const checks: Record<string, (origins: string[]) => Promise<void>> = {
  clock: async ([origin]) => {
    expect((await readUntil(`${origin}/`, /\n\n/)).text).toMatch(/^data: \d{4}-\d\d-\d\dT/);
  },
  'custom-events': async ([origin]) => {
    expect((await readUntil(`${origin}/`, /event: test\n/)).text).toMatch(/^retry: 3000\n\n/);
  },
  'llm-tokens': async ([origin]) => {
    const init = { method: 'POST', body: '{"prompt":"hi"}', headers: { 'content-type': 'application/json' } };
    expect((await readUntil(`${origin}/completions`, /event: end\n/, init)).text).toMatch(
      /event: token\nid: [^\n]+\ndata: \{"text":"You"\}/,
    );
  },
  chat: async ([origin]) => {
    // A tab that is open when a message is posted gets it live; posted again (bounded) until the stream has it.
    const reading = readUntil(`${origin}/events`, /event: chat\n[\s\S]*?\n\n/);
    let read = false;
    void reading.finally(() => {
      read = true;
    });
    const body = JSON.stringify({ from: 'readme test', text: 'hello' });
    for (let tries = 0; tries < 50 && !read; tries++) {
      await fetch(`${origin}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    expect((await reading).text).toContain('"from":"readme test","text":"hello"');
  },
  demo: async ([origin]) => {
    expect((await readUntil(`${origin}/`, /<\/html>/)).text).toContain('<title>sse-rx demo</title>');
    expect((await readUntil(`${origin}/events`, /event: tick\n/)).text).toContain('event: tick\nid: ');
    expect((await readUntil(`${origin}/tabs`, /<\/html>/)).text).toContain('<script src="/tabs.js">');
    expect((await fetch(`${origin}/tabs.js`)).status).toBe(200);
  },
  cors: async ([page, stream]) => {
    expect((await fetch(`${page}/`)).headers.get('set-cookie')).toMatch(/^session=/);
    const refused = await fetch(`${stream}/events`, { headers: { origin: 'http://evil.example' } });
    expect(refused.status).toBe(403);
    expect((await readUntil(`${stream}/events`, /event: tick\n/)).text).toContain(
      'event: hello\ndata: {"session":null}',
    );
  },
  'broadcast-presence': async ([origin]) => {
    // The tour added Ada; the server kept her for the curl that follows.
    expect(await (await fetch(`${origin}/persons`)).json()).toEqual([{ name: 'Ada' }]);
    expect((await readUntil(`${origin}/events`, /event: presence\n/)).text).toContain('event: hello\n');
  },
  angular: async ([origin]) => {
    expect((await readUntil(`${origin}/`, /<\/html>/)).text).toContain('<app-ticks></app-ticks>');
    expect((await readUntil(`${origin}/main.js`, /"app-ticks"/)).text).toContain('"app-ticks"');
    expect((await readUntil(`${origin}/events`, /event: tick\n/)).text).toContain('event: tick\nid: ');
  },
  http2: async ([h2Origin, h1Origin]) => {
    expect(h2Origin).toMatch(/^https:/);
    expect(await readTls(h2Origin!, '/events/1', true)).toContain('event: tick\ndata: {"stream":1,"n":1}');
    expect(await readTls(h1Origin!, '/', false)).toContain('<title>sse-rx: 12 streams over HTTP/2</title>');
  },
  frameworks: async (origins) => {
    // node:http, Express, Fastify, Hono, then NestJS, which asks for a token (the others ignore it).
    expect(origins).toHaveLength(5);
    const headers = { authorization: 'Bearer readme test' };
    for (const origin of origins)
      expect((await readUntil(`${origin}/ticks`, /event: tick\n/, { headers })).text).toContain('event: tick\nid: 1\n');
    const refused = await fetch(`${origins[4]}/ticks`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ status: 401, message: 'no token' });
  },
};

test('every example folder is in this table, so none can skip it', () => {
  const folders = readdirSync(join(repoRoot, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'support')
    .map((entry) => entry.name);
  expect(Object.keys(checks).sort()).toEqual(folders.sort());
});

/** Runs `body` with the example started by its README command, and always stops it. */
async function withExample(
  example: string,
  env: Record<string, string>,
  body: (running: ExampleProcess) => Promise<void>,
) {
  const running = startExample(readmeCommand(example), env);
  try {
    await body(running);
  } finally {
    await running.stop();
  }
}

describe.concurrent.each(Object.entries(checks))('the %s README command', (example, check) => {
  test('runs, answers while it runs, survives bad requests, and stops cleanly on Ctrl-C', {
    timeout: 150_000,
  }, async () => {
    await withExample(example, {}, async (running) => {
      // The Angular example compiles with ngc first (about 25 s on a busy 2-core machine).
      await running.waitFor(/running: Ctrl-C to stop/, 120_000);
      const origins = running.origins();
      await check(origins);
      for (const bad of badRequests[example] ?? []) {
        const answer = await rawRequest(origins[bad.origin]!, bad.request, 3000, bad.hangUp);
        if (bad.status !== undefined) expect(statusOf(answer), bad.what).toBe(bad.status);
      }
      // Still alive and serving after them.
      if (badRequests[example]) await check(origins);
      const exit = await running.stop();
      // The example closed and exited 0; pnpm, signalled too (as in a terminal), may end on the SIGINT itself.
      expect(running.output()).toMatch(/\nstopped\n/);
      expect(exit.code === 0 || exit.signal === 'SIGINT', JSON.stringify(exit)).toBe(true);
      expect(running.output()).not.toMatch(/ELIFECYCLE|Error/);
    });
  });

  // Angular's entry is the same runExample; its ngc step would only add half a minute here.
  test.skipIf(example === 'angular')(
    'says in one line which port is taken and how to pick another',
    async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        await withExample(example, { PORT: String(port) }, async (running) => {
          expect((await running.exited).code).toBe(1);
          const lines = running.output().split('\n');
          const line = lines.find((l) => l.startsWith(`port ${port} is already in use`));
          expect(line).toBe(
            `port ${port} is already in use: stop what holds it, or pick another port, e.g. PORT=${port + 1000} pnpm --filter sse-rx-example-${example} start`,
          );
          expect(running.output()).not.toMatch(/^\s+at /m);
        });
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
    60_000,
  );
});
