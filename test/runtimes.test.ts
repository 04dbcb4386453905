import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, NEVER, of, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { sendEvents } from 'sse-rx-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/http.js';
import { bundleScript, runScript, runtimes } from './support/runtimes.js';

/** Events 1-2 on a first connection, which the server then ends; from Last-Event-ID on after that. */
function events(lastEventId: string, request: { prompt: string; auth: string }): Observable<SseMessage> {
  const from = Number(lastEventId || 0);
  const tick = (n: number): SseMessage => ({ id: String(n), event: 'tick', data: JSON.stringify({ n, ...request }) });
  const batch = of(tick(from + 1), tick(from + 2));
  return from === 0 ? concat(of({ retry: 20 }), batch) : concat(batch, NEVER);
}

describe('sse-rx-client in other runtimes', () => {
  let dir: string;
  let script: string;
  let server: TestServer;
  const seen: { method: string; lastEventId: string | undefined }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sse-rx-runtimes-'));
    script = join(dir, 'client.mjs');
    await bundleScript('client', script);
    server = await startServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const lastEventId = req.headers['last-event-id'] as string | undefined;
        seen.push({ method: req.method ?? '', lastEventId });
        const { prompt } = JSON.parse(body) as { prompt: string };
        sendEvents(req, res, events(lastEventId ?? '', { prompt, auth: req.headers.authorization ?? '' }));
      });
    });
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const runtime of runtimes) {
    it.skipIf(!existsSync(runtime.bin))(
      `${runtime.name}: POST with a header, resumes with Last-Event-ID after the server ends the stream, parses JSON`,
      async () => {
        seen.length = 0;
        const { stdout, stderr } = await runScript(runtime, script, [`${server.url}/events`], 15_000);
        const printed = stdout.trim().split('\n');
        expect(printed, stderr).toEqual(
          [1, 2, 3, 4].map((n) => JSON.stringify({ id: String(n), n, prompt: 'hi', auth: 'Bearer t0k' })),
        );
        expect(seen).toEqual([
          { method: 'POST', lastEventId: undefined },
          { method: 'POST', lastEventId: '2' },
        ]);
      },
    );
  }
});
