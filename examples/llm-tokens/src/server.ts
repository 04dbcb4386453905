import { createServer, type IncomingMessage } from 'node:http';
import { concat, finalize, map, of, Subject, tap } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { listen } from 'sse-rx-example-support';
import { sendEvents } from 'sse-rx-server';
import { fakeModel } from './model.js';

/** What the server reports about each completion, so tests (and curious readers) can watch it. */
export type Lifecycle = 'tokens-started' | 'tokens-completed' | 'tokens-unsubscribed' | 'request-closed';

/** A running example server. */
export interface Running {
  /** The completion endpoint: `POST {url}completions` with `{ "prompt": "..." }`. */
  url: string;
  /** Every step of every completion, as it happens. */
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
 * Starts the completion server. `POST /completions` with a JSON body `{ prompt }` answers with
 * `event: token` events (`data: {"text": "..."}`), then one `event: done`, then ends the response.
 * A client that leaves early closes the response: `sendEvents` unsubscribes the model at once.
 * @param port - the port to listen on, 0 for any free one.
 * @param tokenDelayMs - the time between two tokens.
 * @returns the URL, the lifecycle events and a `close()` function.
 */
export async function start(port = 0, tokenDelayMs = 60): Promise<Running> {
  const lifecycle$ = new Subject<Lifecycle>();
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/completions') {
      res.writeHead(404).end();
      return;
    }
    const body = await readJson(req);
    const prompt = (body as { prompt?: unknown } | undefined)?.prompt;
    if (typeof prompt !== 'string') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('expected a JSON body { "prompt": string }');
      return;
    }
    res.on('close', () => {
      if (!res.writableFinished) lifecycle$.next('request-closed');
    });
    lifecycle$.next('tokens-started');
    let completed = false;
    const tokens$ = fakeModel(prompt, tokenDelayMs).pipe(
      map((text): SseMessage => ({ event: 'token', data: JSON.stringify({ text }) })),
      tap({ complete: () => (completed = true) }),
      finalize(() => lifecycle$.next(completed ? 'tokens-completed' : 'tokens-unsubscribed')),
    );
    const done$ = of<SseMessage[]>({ event: 'done', data: '{}' });
    sendEvents(req, res, concat(tokens$, done$));
  });
  const { url, close } = await listen(server, port);
  return { url, lifecycle$, close };
}
