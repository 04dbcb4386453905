import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject } from 'rxjs';
import { createEventLog, heartbeat, readLastEventId, retryHint, sendEvents, type SseMessage } from 'sse-rx-server';
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

/** Reads a small JSON body (up to 16 KiB); `undefined` when too large or not JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 16 * 1024) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Starts the chat server: `GET /` the HTML page, `GET /events` the stream (`event: chat`, numbered
 * ids, replay after `Last-Event-ID`), `POST /messages` with `{ from, text }` to send.
 * @param port - the port to listen on, 0 for any free one.
 * @returns the URL and a `close()` function.
 */
export async function start(port = 0): Promise<Running> {
  // The hub numbers the messages 1, 2, ..., keeps the last 1000 and replays after Last-Event-ID.
  const chat$ = new Subject<SseMessage>();
  const log = createEventLog(chat$, { size: 1000 });
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (req.method === 'GET' && path === '/events') {
      sendEvents(req, res, log.stream(readLastEventId(req)).pipe(heartbeat(15_000), retryHint(1000)));
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
      chat$.next({ event: 'chat', data: JSON.stringify(message) });
      const id = Number(log.lastId);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise<void>((resolve) => {
        log.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
