/**
 * The server script `runtimesServer.test.ts` bundles and runs in Bun and Deno: `Bun.serve` or
 * `Deno.serve` on 127.0.0.1 and an ephemeral port, answering with `toResponse`. It prints
 * `port <n>` once listening, then `subscribed <tag>` and `unsubscribed <tag>` as each request's
 * source is subscribed and torn down (`tag` is the request's `?tag=` parameter).
 *
 * Routes (each resumes after `Last-Event-ID`):
 * - `/finite`: events `n+1` to `n+3`, 20 ms apart, then the end;
 * - `/infinite`: an event every 20 ms, forever;
 * - `/silent`: event `n+1`, then nothing;
 * - `/held`: nothing, so `toResponse` holds the head for `?headTimeoutMs` (default 1000).
 * The last two add `heartbeat(?heartbeatMs)` when given.
 */
import { concat, defer, finalize, interval, map, NEVER, type Observable, take } from 'rxjs';
import { heartbeat, readLastEventId, type SseMessage, toResponse } from 'sse-rx-server';

interface Server {
  port: number;
}
type Handler = (request: Request) => Promise<Response>;
/** Bun's server as its `fetch` gets it: `timeout` sets one request's idle timeout, in seconds. */
type BunServer = { timeout(request: Request, seconds: number): void };
type Runtime = {
  Bun?: {
    serve(options: {
      hostname: string;
      port: number;
      fetch(request: Request, server: BunServer): Promise<Response>;
    }): Server;
  };
  Deno?: {
    serve(options: { hostname: string; port: number; onListen(address: Server): void }, handler: Handler): unknown;
  };
};

const tick = (n: number): SseMessage => ({ id: String(n), event: 'tick', data: `héllo 世界 🎉 ${n}` });

/** The source of a route, after the id `from`. */
function sourceOf(route: string, from: number, heartbeatMs: number): Observable<SseMessage> {
  const ticks = interval(20).pipe(map((i) => tick(from + 1 + i)));
  if (route === '/finite') return ticks.pipe(take(3));
  if (route === '/infinite') return ticks;
  const quiet = route === '/held' ? NEVER : concat([tick(from + 1)], NEVER);
  return heartbeatMs > 0 ? quiet.pipe(heartbeat(heartbeatMs)) : quiet;
}

function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const tag = url.searchParams.get('tag') ?? url.pathname;
  const from = Number(readLastEventId(request) ?? 0);
  const source$ = defer(() => {
    console.log(`subscribed ${tag}`);
    return sourceOf(url.pathname, from, Number(url.searchParams.get('heartbeatMs') ?? 0));
  }).pipe(finalize(() => console.log(`unsubscribed ${tag}`)));
  const headTimeoutMs = url.searchParams.get('headTimeoutMs');
  return toResponse(source$, { request, ...(headTimeoutMs && { headTimeoutMs: Number(headTimeoutMs) }) });
}

const runtime = globalThis as Runtime;
const listening = (server: Server) => console.log(`port ${server.port}`);
// Bun only: `?idleTimeoutS` sets the request's idle timeout (Bun.serve's `idleTimeout`, 10 s by default).
const bunFetch = (request: Request, server: BunServer) => {
  const idleTimeoutS = new URL(request.url).searchParams.get('idleTimeoutS');
  if (idleTimeoutS) server.timeout(request, Number(idleTimeoutS));
  return handle(request);
};
if (runtime.Bun) listening(runtime.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: bunFetch }));
else if (runtime.Deno) runtime.Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: listening }, handle);
else throw new TypeError('server.mjs runs in Bun or Deno');
