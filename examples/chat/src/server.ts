import { createServer, type IncomingMessage } from 'node:http';
import { listen, requestPath } from 'sse-rx-example-support';
import { createMemoryStore, heartbeat, readLastEventId, retryHint, sendEvents } from 'sse-rx-server';
import { page } from './page.js';

/** A running example server. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

/** One chat message as clients see it (the `data` of an `event: chat`). */
export interface ChatMessage {
  from: string;
  text: string;
  at: string;
}

/** Reads a small JSON body (up to 16 KiB); `undefined` when too large, not JSON, or cut short by the client leaving. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    let text = '';
    for await (const chunk of req as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length > 16 * 1024) return undefined;
    }
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Starts the chat server: `GET /` the HTML page, `GET /events` the stream (`event: chat`, ids from
 * the store, replay after `Last-Event-ID`), `POST /messages` with `{ from, text }` to send.
 * @param port - the port to listen on, 0 for any free one.
 * @returns the URL and a `close()` function.
 */
export async function start(port = 0): Promise<Running> {
  // The store gives each message an id, keeps the last 1000 and replays after Last-Event-ID.
  const store = createMemoryStore({ maxEvents: 1000 });
  const server = createServer(async (req, res) => {
    const path = requestPath(req);
    if (path === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request target');
    } else if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (req.method === 'GET' && path === '/events') {
      sendEvents(req, res, store.stream(readLastEventId(req)).pipe(heartbeat(15_000), retryHint(1000)));
    } else if (req.method === 'POST' && path === '/messages') {
      const body = (await readJson(req)) as { from?: unknown; text?: unknown } | undefined;
      if (typeof body?.from !== 'string' || typeof body.text !== 'string' || body.text === '') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('expected { "from": string, "text": string }');
        return;
      }
      const message: ChatMessage = {
        from: body.from.slice(0, 40),
        text: body.text.slice(0, 1000),
        at: new Date().toISOString(),
      };
      const id = await store.append({ event: 'chat', data: JSON.stringify(message) });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    } else {
      res.writeHead(404).end();
    }
  });
  const { url, close } = await listen(server, port);
  return {
    url,
    close,
  };
}
