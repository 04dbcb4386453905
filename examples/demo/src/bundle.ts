import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

/** One minified browser script (IIFE) from `options`, with the workspace packages taken from their sources. */
async function browserScript(options: BuildOptions): Promise<string> {
  const result = await build({
    ...options,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['sse-rx-source'],
    minify: true,
    write: false,
  });
  return result.outputFiles![0]!.text;
}

/**
 * Bundles sse-rx-client (from the workspace sources) into one browser script that puts its exports
 * on `window.sseRx`. Used by the browser end-to-end tests.
 * @returns the script's text.
 */
export function bundleClient(): Promise<string> {
  return browserScript({
    stdin: {
      contents: "export * from 'sse-rx-client';",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    globalName: 'sseRx',
  });
}

/** The demo's page scripts: `app` for the main page, `tabs` for /tabs. */
export type PageScript = 'app' | 'tabs';

/**
 * Bundles a demo page's script (`src/browser/app.ts` or `tabs.ts`, with sse-rx-client from the
 * workspace sources and rxjs) into one browser script: no CDN, no build step before `pnpm demo`.
 * @param name - which page's script.
 * @returns the script's text.
 */
export function bundlePage(name: PageScript): Promise<string> {
  return browserScript({ entryPoints: [fileURLToPath(new URL(`./browser/${name}.ts`, import.meta.url))] });
}
