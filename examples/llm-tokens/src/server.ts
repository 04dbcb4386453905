import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { defer, finalize, map, type Observable, Subject, tap } from 'rxjs';
import { listen } from 'sse-rx-example-support';
import { createResumableStreams, readLastEventId, sendEvents, type SseMessage } from 'sse-rx-server';
import { fakeModel } from './model.js';

/** What the server reports about each answer's model, so tests (and curious readers) can watch it. */
export type Lifecycle = 'tokens-started' | 'tokens-completed' | 'tokens-unsubscribed';

/** A running example server. */
export interface Running {
  /** The base URL: `POST {url}completions` starts an answer, `GET`/`DELETE {url}completions/<id>` follow/cancel it. */
  url: string;
  /** Every step of every model run, as it happens. */
  lifecycle$: Subject<Lifecycle>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a small JSON body; `undefined` when too large, not JSON, or cut short by the client leaving. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Starts the completion server. `POST /completions` with a JSON body `{ prompt }` starts an
 * answer under the id of its `sse-rx-stream-id` header (a random one without it) and streams it:
 * `event: token` events (`data: {"text": "..."}`), then `event: end`. The model keeps running
 * when the client leaves; `GET /completions/<id>` follows the answer from its `Last-Event-ID`,
 * `DELETE /completions/<id>` cancels it (the model is unsubscribed at once).
 * @param port - the port to listen on, 0 for any free one.
 * @param tokenDelayMs - the time between two tokens.
 * @returns the URL, the lifecycle events and a `close()` function.
 */
export async function start(port = 0, tokenDelayMs = 60): Promise<Running> {
  const lifecycle$ = new Subject<Lifecycle>();
  const streams = createResumableStreams({ ttlMs: 120_000, keepMs: 60_000 });
  const model = (prompt: string): Observable<SseMessage> =>
    defer(() => {
      lifecycle$.next('tokens-started');
      let completed = false;
      return fakeModel(prompt, tokenDelayMs).pipe(
        map((text): SseMessage => ({ event: 'token', data: JSON.stringify({ text }) })),
        tap({ complete: () => (completed = true) }),
        finalize(() => lifecycle$.next(completed ? 'tokens-completed' : 'tokens-unsubscribed')),
      );
    });
  const server = createServer(async (req, res) => {
    // The raw path: a hostile one (`//[`) would make `new URL` throw.
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'POST' && path === '/completions') {
      const body = await readJson(req);
      const prompt = (body as { prompt?: unknown } | undefined)?.prompt;
      if (typeof prompt !== 'string') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('expected a JSON body { "prompt": string }');
        return;
      }
      const streamId = String(req.headers['sse-rx-stream-id'] ?? randomUUID());
      sendEvents(req, res, streams.start(streamId, model(prompt)));
      return;
    }
    if (!path.startsWith('/completions/')) {
      res.writeHead(404).end();
      return;
    }
    const streamId = path.slice('/completions/'.length);
    if (req.method === 'DELETE') {
      const result = await streams.cancel(streamId).catch(() => 'unknown');
      res
        .writeHead(result === 'unknown' ? 404 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(result));
      return;
    }
    sendEvents(req, res, streams.follow(streamId, readLastEventId(req)));
  });
  const { url, close } = await listen(server, port);
  return { url, lifecycle$, close };
}
