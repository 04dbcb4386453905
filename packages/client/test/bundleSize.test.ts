import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { builds } from '../tsup.config.js';

/**
 * The most the bundle of `fromSse` + `ofType` + `parseJson` may weigh, gzipped, with the codec and
 * without rxjs. The client README quotes what this test measures; lower the bound when the bundle
 * shrinks, so that it cannot grow back unnoticed.
 */
const MAX_GZIP_BYTES = 5100;

const packages = fileURLToPath(new URL('../../', import.meta.url));
const tsconfigRaw = JSON.parse(readFileSync(`${packages}../tsconfig.base.json`, 'utf8'));
const sideEffects = (name: string): boolean =>
  JSON.parse(readFileSync(`${packages}${name}/package.json`, 'utf8')).sideEffects !== false;

/**
 * The packages as they are published (tsup.config.ts of each, ES2022 ESM): the codec's
 * `src/index.ts` bundled into one module; the client one module per source file (`bundle: false`).
 * Built here from the sources, so the test needs no `pnpm build` first and never reads a stale `dist`.
 */
async function publishedPackages(): Promise<Plugin> {
  const codec = await build({
    entryPoints: [`${packages}codec/src/index.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
  });
  return {
    name: 'published-packages',
    setup(plugin) {
      plugin.onResolve({ filter: /^sse-rx-codec$/ }, () => ({
        path: 'dist/index.js',
        namespace: 'sse-rx-codec',
        sideEffects: sideEffects('codec'),
      }));
      plugin.onLoad({ filter: /.*/, namespace: 'sse-rx-codec' }, () => ({
        contents: codec.outputFiles[0]!.text,
        loader: 'js',
      }));
      plugin.onResolve({ filter: /^sse-rx-client$/ }, () => ({
        path: `${packages}client/src/index.ts`,
        sideEffects: sideEffects('client'),
      }));
      // Each client module compiled on its own, as tsup does with `bundle: false`.
      plugin.onLoad({ filter: /\/client\/src\/.*\.ts$/ }, async ({ path }) => {
        const { code } = await transform(readFileSync(path, 'utf8'), {
          loader: 'ts',
          format: 'esm',
          target: 'es2022',
          tsconfigRaw,
        });
        return { contents: code, loader: 'js', resolveDir: dirname(path) };
      });
      // `./x.js` in a module names the compiled `./x.ts`.
      plugin.onResolve({ filter: /^\.\.?\/.*\.js$/ }, ({ path, resolveDir }) => ({
        path: resolve(resolveDir, path.replace(/\.js$/, '.ts')),
        sideEffects: sideEffects('client'),
      }));
    },
  };
}

/** What an app's bundler makes of `source`: esbuild `--bundle --minify`, rxjs left external. */
async function appBundle(source: string): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents: source, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    external: ['rxjs'],
    plugins: [await publishedPackages()],
  });
  return result.outputFiles[0]!.contents;
}

describe('the size of sse-rx-client in an app bundle', () => {
  it(`keeps fromSse + ofType + parseJson (with the codec, without rxjs) within ${MAX_GZIP_BYTES} bytes gzipped`, async () => {
    const code = await appBundle(`export { fromSse, ofType, parseJson } from 'sse-rx-client';`);
    const gzipped = gzipSync(code).length;
    console.log(`fromSse + ofType + parseJson: ${code.length} bytes minified, ${gzipped} gzipped`);
    expect(gzipped).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  });

  it('is measured on the layout the build publishes: ESM one file per module', () => {
    const esm = builds.find((config) => config.format?.includes('esm'));
    expect(esm?.bundle).toBe(false);
  });

  it('keeps only the modules an app reaches: no connectSse, validate or browser signals, no unused rxjs import', async () => {
    const code = new TextDecoder().decode(await appBundle(`export { fromSse } from 'sse-rx-client';`));
    for (const name of ['BehaviorSubject', 'ReplaySubject', 'concatMap', 'SseValidationError', 'visibilitychange'])
      expect(code).not.toContain(name);
  });
});
