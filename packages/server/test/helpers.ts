import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { finalize, Observable } from 'rxjs';
import { SseDecoder, type SseEvent } from 'sse-rx-codec';

/** A node:http server on 127.0.0.1, on a free port. */
export interface TestServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fetches `url` and returns the status, headers and the whole body as text. */
export async function fetchText(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Decodes a whole event stream text with the codec. */
export function decode(text: string): { events: SseEvent[]; comments: string[]; retries: number[] } {
  const result = { events: [] as SseEvent[], comments: [] as string[], retries: [] as number[] };
  const decoder = new SseDecoder({
    onEvent: (event) => result.events.push(event),
    onComment: (comment) => result.comments.push(comment),
    onRetry: (ms) => result.retries.push(ms),
  });
  decoder.feed(text);
  decoder.end();
  return result;
}

/** Wraps `source$` so the test can see how many subscriptions to it are active. */
export function counted<T>(source$: Observable<T>): { source$: Observable<T>; active(): number; total(): number } {
  let active = 0;
  let total = 0;
  const wrapped = new Observable<T>((subscriber) => {
    active++;
    total++;
    return source$.pipe(finalize(() => active--)).subscribe(subscriber);
  });
  return { source$: wrapped, active: () => active, total: () => total };
}

/** Resolves when `check()` holds, polling every 10 ms, failing after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A node:http server that answers every request with the Web `Response` of `handler`, as Hono's Node adapter does. */
export function listenFetch(handler: (request: Request) => Response | Promise<Response>): Promise<TestServer> {
  return listen(async (req, res) => {
    const response = await handler(
      new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers: req.headers as HeadersInit }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.flushHeaders();
    if (response.body) pipeline(Readable.fromWeb(response.body as NodeReadableStream), res, () => undefined);
    else res.end();
  });
}
