import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles sse-rx-client (from its TypeScript sources) and rxjs into one browser script that puts
 * `{ fromSse, ofType, parseJson, ... }` on `window.sseRx`.
 */
export async function bundleClientForBrowser(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "export * from 'sse-rx-client'; export * as rx from 'rxjs';",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'sseRx',
    platform: 'browser',
    target: 'es2022',
    conditions: ['sse-rx-source'],
    write: false,
  });
  return result.outputFiles[0]!.text;
}
