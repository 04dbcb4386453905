import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the demo page's script (`src/browser/app.ts`, with sse-rx-client from the workspace
 * sources and rxjs) into one browser script: no CDN, no build step before `pnpm demo`.
 * @returns the script's text.
 */
export async function bundleApp(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/app.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['sse-rx-source'],
    minify: true,
    write: false,
  });
  return result.outputFiles[0]!.text;
}
