import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Listening, listen, requestPath } from 'sse-rx-example-support';
import { heartbeat, sendEvents } from 'sse-rx-server';
import { ticks } from './ticks.js';

const page = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>sse-rx + Angular</title>
<app-ticks></app-ticks>
<script type="module" src="/main.js"></script>
</html>
`;

/**
 * Bundles the AOT-compiled app (`ngc` output) for the browser. Angular's own packages ship
 * partially compiled (the Angular CLI links them at build time); this plain esbuild bundle loads
 * `@angular/compiler` first so they finish compiling in the browser instead.
 * @param appDir - the folder `ngc` wrote (`dist`).
 * @returns the bundle's JavaScript.
 */
async function bundleApp(appDir: string): Promise<string> {
  const result = await build({
    stdin: { contents: "import '@angular/compiler';\nimport './main.js';", resolveDir: appDir, loader: 'js' },
    // The app's imports resolve from this example's dependencies, wherever `appDir` is.
    nodePaths: [fileURLToPath(new URL('../node_modules', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['sse-rx-source'],
    write: false,
  });
  return result.outputFiles[0]!.text;
}

/**
 * Serves the Angular app and its stream on 127.0.0.1: `/` the page, `/main.js` the bundled app,
 * `/events` the ticks (`event: tick`, a heartbeat comment when idle).
 * @param port - the port, 0 for any free one.
 * @param appDir - the folder `ngc` wrote (`dist`).
 * @param periodMs - the time between two ticks.
 * @returns the URL and `close()`.
 */
export async function start(port: number, appDir: string, periodMs = 1000): Promise<Listening> {
  const script = await bundleApp(appDir);
  const ticks$ = ticks(periodMs);
  const server = createServer((req, res) => {
    const path = requestPath(req);
    if (path === undefined) res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request target');
    else if (path === '/events') sendEvents(req, res, ticks$.pipe(heartbeat(15_000)));
    else if (path === '/main.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    else if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end();
  });
  return listen(server, port);
}
