import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { concat, map, merge, of, Subject } from 'rxjs';
import { listen } from 'sse-rx-example-support';
import { heartbeat, readLastEventId, sendEvents } from 'sse-rx-server';
import { createJournalStore } from './journalStore.js';
import type { PageScript } from './bundle.js';
import { page } from './page.js';
import { Room } from './room.js';
import { tabsPage } from './tabsPage.js';
import { startTicker } from './ticker.js';

/** Options of {@link start}. */
export interface DemoServerConfig {
  /** The port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /** The time between price ticks. @default 500 */
  tickMs?: number;
  /** Where the journal of ticks and the shared list are kept (they survive a restart). */
  dataDir: string;
  /** The pages' scripts (`src/browser/app.ts` and `tabs.ts` bundled, see bundlePage), served as `/app.js` and `/tabs.js`. */
  scripts: Record<PageScript, string>;
  /** Called by the restart button, to restart this process; without it the button answers 501. */
  onRestart?: () => void;
}

/** A running demo server. */
export interface DemoServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** How long the 503 button keeps the price stream unavailable at least. */
const UNAVAILABLE_MS = 4000;
/** How much longer it waits, at most, for each stream it cut to come back and get its 503. */
const MAX_UNAVAILABLE_MS = 30_000;
/** The `Retry-After` of those 503 answers, in seconds. */
const RETRY_AFTER_S = 2;

/** A failure the error button puts into every open price stream. */
class FeedError extends Error {
  override name = 'FeedError';
  readonly status = 503;
}

/**
 * Starts the demo's HTTP server on 127.0.0.1: the page (`/`, `/app.js`), the page that shares one
 * connection between tabs (`/tabs`, `/tabs.js`), the price stream (`/events`, served from a journal
 * so ids survive a restart; `/streams` counts its connections), the broadcast scene (`/room`,
 * `POST /room/items`) and the buttons that hurt the stream (`POST /control/cut`, `restart`,
 * `unavailable`, `error`).
 * @param config - port, tick period, data directory, page script; see {@link DemoServerConfig}.
 * @returns the running server.
 */
export async function start(config: DemoServerConfig): Promise<DemoServer> {
  const store = createJournalStore({ path: join(config.dataDir, 'journal.ndjson') });
  const ticker = startTicker(store, config.tickMs ?? 500);
  const room = new Room(join(config.dataDir, 'room.json'));
  /** The open price streams, each with whether a /tabs page asked for it (`/events?from=tabs`). */
  const streams = new Map<ServerResponse, boolean>();
  const failures = new Subject<void>();
  // Set by the 503 button: until when, and how many 503s are still owed (one per stream it cut, so
  // that a client in a long backoff sees one too).
  let unavailable: { from: number; owed: number } | undefined;
  const isUnavailable = () => {
    if (!unavailable) return false;
    const elapsed = Date.now() - unavailable.from;
    if (elapsed < UNAVAILABLE_MS || (unavailable.owed > 0 && elapsed < MAX_UNAVAILABLE_MS)) return true;
    unavailable = undefined;
    return false;
  };

  const prices = (req: IncomingMessage, res: ServerResponse, fromTabs: boolean) => {
    if (isUnavailable()) {
      unavailable!.owed--;
      const body = { status: 503, message: 'Down for maintenance (the demo’s 503 button)' };
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(RETRY_AFTER_S) });
      res.end(JSON.stringify(body));
      return;
    }
    streams.set(res, fromTabs);
    res.once('close', () => streams.delete(res));
    const fail$ = failures.pipe(
      map(() => {
        throw new FeedError('Price feed hiccup (the demo’s error button)');
      }),
    );
    const events$ = merge(store.stream(readLastEventId(req)), fail$).pipe(heartbeat(5000));
    sendEvents(req, res, concat(of({ retry: 1000 }), events$), {
      mapError: (error) =>
        error instanceof FeedError
          ? { status: error.status, message: error.message, retryable: true }
          : { status: 500, message: 'Internal error', retryable: true },
    });
  };
  const cut = () => {
    for (const res of streams.keys()) res.socket?.destroy();
  };
  const control: Record<string, () => void> = {
    cut,
    error: () => failures.next(),
    unavailable: () => {
      unavailable = { from: Date.now(), owed: streams.size };
      cut();
    },
  };
  if (config.onRestart) control['restart'] = config.onRestart;

  const server = createServer((req, res) => {
    const url = parse(req.url);
    if (url === undefined) res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request target');
    else if (url.pathname === '/events') prices(req, res, url.searchParams.get('from') === 'tabs');
    else if (url.pathname === '/streams')
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ tabs: [...streams.values()].filter(Boolean).length, all: streams.size }));
    else if (url.pathname === '/room') sendEvents(req, res, room.join(url.searchParams.get('name') || 'anonymous'));
    else if (url.pathname === '/room/items' && req.method === 'POST') {
      room.add(url.searchParams.get('by') || 'anonymous');
      res.writeHead(204).end();
    } else if (url.pathname.startsWith('/control/') && req.method === 'POST') {
      const action = control[url.pathname.slice('/control/'.length)];
      res.writeHead(action ? 202 : 501).end();
      // After the answer is out: the restart kills this process.
      if (action) setImmediate(action);
    } else if (url.pathname === '/app.js' || url.pathname === '/tabs.js')
      res
        .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' })
        .end(config.scripts[url.pathname === '/app.js' ? 'app' : 'tabs']);
    else if (url.pathname === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (url.pathname === '/tabs') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(tabsPage);
    else res.writeHead(404).end('not found');
  });
  // A taken port is a PortInUseError: one line that says how to pick another.
  const listening = await listen(server, config.port ?? 0);
  return {
    url: `http://127.0.0.1:${listening.port}`,
    port: listening.port,
    close: async () => {
      ticker.unsubscribe();
      await listening.close();
    },
  };
}

/** The request's URL, or undefined when its target does not parse (e.g. `//[`). */
function parse(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}
