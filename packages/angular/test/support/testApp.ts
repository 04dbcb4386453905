import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { interval, map } from 'rxjs';
import { asMessage, heartbeat, sendEvents } from 'sse-rx-server';
import { startServer } from '../../../../test/support/http.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const ngc = join(packageDir, 'node_modules/@angular/compiler-cli/bundles/src/bin/ngc.js');
const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>sse-rx-angular test app</title></head>
<body><app-feed></app-feed><script type="module" src="/main.js"></script></body>
</html>
`;

/** The test app (test/app), compiled once: the browser bundle's text and the server bundle's path. */
export interface BuiltApp {
  browserScript: string;
  serverModule: string;
}

/**
 * Compiles test/app with the Angular compiler (AOT, strict templates; as examples/angular does)
 * into `outDir`, then bundles it twice with esbuild: for the browser, and for Node (SSR through
 * `renderApplication`, answering render requests over IPC). Angular's packages ship partially
 * compiled, so each bundle loads `@angular/compiler` first to finish them (the CLI would link them).
 * @param outDir - an empty folder for the output.
 * @returns the bundles; throws with the compiler's output if it fails.
 */
export async function buildTestApp(outDir: string): Promise<BuiltApp> {
  const compiled = spawnSync(process.execPath, [ngc, '-p', 'test/app/tsconfig.json', '--outDir', outDir], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (compiled.status !== 0) throw new Error(`ngc failed:\n${compiled.stdout}${compiled.stderr}`);
  const appDir = join(outDir, 'test/app/src');
  const common: BuildOptions = {
    nodePaths: [join(packageDir, 'node_modules')],
    alias: { 'sse-rx-angular': join(packageDir, 'src/index.ts') },
    conditions: ['sse-rx-source'],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'error',
  };
  const browser = await build({
    ...common,
    stdin: { contents: "import '@angular/compiler';\nimport './main.browser.js';", resolveDir: appDir, loader: 'js' },
    platform: 'browser',
    define: { ngServerMode: 'false' },
    write: false,
  });
  const serverModule = join(outDir, 'server.mjs');
  await build({
    ...common,
    stdin: { contents: SERVER_ENTRY, resolveDir: appDir, loader: 'js' },
    platform: 'node',
    // As the Angular CLI does. Since Angular 22, provideClientHydration() (called when app.config
    // loads, before any platform exists) adds event replay, whose providers are browser-only unless
    // ngServerMode is set by then: the server render would fail on `window`.
    define: { ngServerMode: 'true' },
    // Angular's server platform requires a few CommonJS modules (xhr2) from this ESM bundle.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    outfile: serverModule,
  });
  return { browserScript: browser.outputFiles![0]!.text, serverModule };
}

/** The server bundle's entry: one render per IPC message, `{ id, url, origin, document }` to `{ id, html | error }`. */
const SERVER_ENTRY = `import '@angular/compiler';
import { render } from './main.server.js';
process.on('message', ({ id, url, origin, document }) => {
  render(url, origin, document).then(
    (html) => process.send({ id, html }),
    (error) => process.send({ id, error: String(error && error.stack || error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
`;

/** One request for the stream, as the server saw it. */
export interface StreamRequest {
  path: string;
  room: string | null;
  authorization: string | undefined;
  lastEventId: string | undefined;
}

/** The test app served with its stream; what the server saw; a way to cut every open stream. */
export interface RunningApp {
  url: string;
  /** Every request for a path ending in `/events`, whoever sent it (a browser, or the app rendering on the server). */
  requests: StreamRequest[];
  /** The rooms of the streams open now, one entry per open response. */
  openRooms(): string[];
  /** Renders the page on the server (SSR); the HTML. */
  render(path?: string): Promise<string>;
  /** Destroys the socket of every open stream (a network cut). */
  cut(): void;
  close(): Promise<void>;
}

/**
 * Serves the built app: `/` rendered on the server by the SSR bundle (a child process), `/main.js`,
 * and `/v1/events?room=R` (401 without `authorization: Bearer test-token` and for room `locked`; else `event: tick`, data
 * `{ room, n }`, id `n`, every 100 ms, resuming after `Last-Event-ID`).
 * @param app - what {@link buildTestApp} built.
 * @returns the running app.
 */
export async function startTestApp(app: BuiltApp): Promise<RunningApp> {
  const requests: StreamRequest[] = [];
  const open = new Map<ServerResponse, string>();
  const renderer = await startRenderer(app.serverModule);
  let origin = '';
  const server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.endsWith('/events')) {
      const room = url.searchParams.get('room');
      const lastEventId = req.headers['last-event-id'] as string | undefined;
      requests.push({ path: url.pathname, room, authorization: req.headers.authorization, lastEventId });
      if (url.pathname !== '/v1/events' || room === null) return void res.writeHead(404).end();
      if (req.headers.authorization !== 'Bearer test-token' || room === 'locked') {
        return void res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"status":401,"message":"no entry"}');
      }
      open.set(res, room);
      res.on('close', () => open.delete(res));
      const after = Number(lastEventId ?? 0);
      const ticks$ = interval(100).pipe(
        map((i) => ({ room, n: after + i + 1 })),
        asMessage<{ room: string; n: number }>({ event: () => 'tick', id: 'n' }),
        heartbeat(15_000),
      );
      return void sendEvents(req, res, ticks$);
    }
    if (url.pathname === '/main.js')
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(app.browserScript);
    if (url.pathname !== '/') return void res.writeHead(404).end();
    renderer.render(`${origin}${url.pathname}`, origin, page).then(
      (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  origin = server.url;
  return {
    url: `${server.url}/`,
    requests,
    openRooms: () => [...open.values()],
    render: async (path = '/') => (await fetch(`${server.url}${path}`)).text(),
    cut: () => {
      for (const res of open.keys()) res.socket?.destroy();
    },
    close: async () => {
      await server.close();
      renderer.close();
    },
  };
}

/** The SSR bundle in a child process (Angular's server platform keeps global state: not in the test's process). */
async function startRenderer(serverModule: string) {
  const child: ChildProcess = fork(serverModule, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (html: string) => void; reject: (error: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the SSR process exited with ${code} before it was ready`)));
  });
  child.on('message', (message: { id?: number; html?: string; error?: string }) => {
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id!);
    if (message.html !== undefined) waiting.resolve(message.html);
    else waiting.reject(new Error(message.error));
  });
  return {
    render: (url: string, origin: string, document: string) =>
      new Promise<string>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        child.send({ id, url, origin, document });
      }),
    close: () => child.kill(),
  };
}
