import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles sse-rx-client (from the workspace sources) into one browser script that puts its exports
 * on `window.sseRx`. Also used by the browser end-to-end tests.
 */
export async function bundleClient(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "export * from 'sse-rx-client';",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'sseRx',
    platform: 'browser',
    target: 'es2022',
    conditions: ['sse-rx-source'],
    minify: true,
    write: false,
  });
  return result.outputFiles[0]!.text;
}
