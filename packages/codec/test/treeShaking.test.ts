import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The codec as it is published: `src/index.ts` bundled into one ES module (what tsup writes to
 * `dist/index.js`), so that only annotations in the code, not module boundaries, can drop what an
 * app does not use.
 */
async function publishedCodec(): Promise<Plugin> {
  const result = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
  });
  const contents = result.outputFiles[0]!.text;
  return {
    name: 'published-codec',
    setup(plugin) {
      // As package.json says: "sideEffects": false.
      plugin.onResolve({ filter: /^sse-rx-codec$/ }, () => ({ path: 'dist', namespace: 'codec', sideEffects: false }));
      plugin.onLoad({ filter: /.*/, namespace: 'codec' }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** Bundles the app `source` as a bundler would, against the published codec. */
async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    plugins: [await publishedCodec()],
  });
  return result.outputFiles[0]!.text;
}

describe('tree shaking of the published codec', () => {
  it('keeps neither the encoder nor the stream classes in a bundle that uses only the decoder', async () => {
    const code = await bundle(`import { SseDecoder } from 'sse-rx-codec'; new SseDecoder().feed('data: x\\n\\n');`);
    expect(code).toContain('SseDecoder');
    for (const name of ['SseDecoderStream', 'SseEncoderStream', 'TransformStream', 'function encode'])
      expect(code).not.toContain(name);
  });

  it('keeps the stream classes and the encoder when they are used', async () => {
    const code = await bundle(`import { SseEncoderStream } from 'sse-rx-codec'; console.log(new SseEncoderStream());`);
    expect(code).toContain('TransformStream');
    expect(code).toContain('function encode');
  });
});
