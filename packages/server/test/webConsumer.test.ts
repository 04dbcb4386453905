import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const consumer = mkdtempSync(join(tmpdir(), 'sse-rx-web-consumer-'));
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

/** Copies a built package into the consumer's node_modules: outside the monorepo, no `@types/node` is reachable. */
function install(name: string, from: string) {
  for (const part of ['package.json', 'dist']) {
    cpSync(join(from, part), join(consumer, 'node_modules', name, part), { recursive: true });
  }
}

describe('the built sse-rx-server types', () => {
  // Builds two packages and typechecks rxjs's declarations: slow on a busy machine.
  it('compile in a Web-runtime project without @types/node (types: [])', { timeout: 300_000 }, () => {
    // The server's declarations read the codec's, so the codec is built first (the `...` filter).
    execFileSync('pnpm', ['--filter', 'sse-rx-server...', 'build'], { cwd: root, stdio: 'pipe', timeout: 240_000 });
    install('sse-rx-server', join(root, 'packages/server'));
    install('sse-rx-codec', join(root, 'packages/codec'));
    symlinkSync(
      realpathSync(join(root, 'packages/server/node_modules/rxjs')),
      join(consumer, 'node_modules/rxjs'),
      'dir',
    );
    writeFileSync(
      join(consumer, 'worker.ts'),
      [
        "import { interval, map } from 'rxjs';",
        // One install: the codec types come from sse-rx-server too.
        "import { heartbeat, toResponse, type SseErrorInfo, type SseMessage } from 'sse-rx-server';",
        "export const mapError = (): SseErrorInfo => ({ code: 'DOWN' });",
        'export default {',
        '  fetch: (request: Request): Promise<Response> =>',
        '    toResponse(interval(1000).pipe(map((n): SseMessage => ({ data: String(n) })), heartbeat(15_000)), { request, mapError }),',
        '};',
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          types: [],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['worker.ts'],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', consumer], { stdio: 'pipe', timeout: 120_000 });
    } catch (error) {
      output = String((error as { stdout?: Buffer }).stdout);
    }
    expect(output).toBe('');
  });
});
