import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const testDir = fileURLToPath(new URL('..', import.meta.url));

/** A JavaScript runtime other than Node that a test runs a bundled script in. */
export interface Runtime {
  name: string;
  bin: string;
  /** The command-line arguments that run `file` with `rest` as the script's own arguments. */
  args(file: string, ...rest: string[]): string[];
}

/** Bun and Deno come from the npm packages `bun` and `deno` (devDependencies of the `test` workspace). */
export const runtimes: Runtime[] = [
  { name: 'Bun', bin: join(testDir, 'node_modules/.bin/bun'), args: (file, ...rest) => ['run', file, ...rest] },
  {
    name: 'Deno',
    bin: join(testDir, 'node_modules/.bin/deno'),
    args: (file, ...rest) => ['run', '--allow-net', file, ...rest],
  },
];
for (const { name, bin } of runtimes) {
  if (!existsSync(bin))
    console.warn(
      `\n*** ${name} not installed at ${bin} (no build of it for ${process.platform}-${process.arch}?): its runtime test is SKIPPED ***\n`,
    );
}

/** The environment a runtime runs in: no colours, no update check. */
const runtimeEnv = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };

/** Bundles `test/runtimes/<name>.ts` (sse-rx from its sources, rxjs included) into `outFile`, for any runtime. */
export async function bundleScript(name: string, outFile: string): Promise<void> {
  const bundle = await build({
    entryPoints: [join(testDir, 'runtimes', `${name}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['sse-rx-source'],
    mainFields: ['module', 'main'],
    write: false,
  });
  writeFileSync(outFile, bundle.outputFiles[0]!.text);
}

/** A script running in a runtime, with the lines it printed so far and when each came. */
export interface RunningScript {
  readonly lines: readonly { text: string; at: number }[];
  /** Resolves with the time (`Date.now()`) `text` was printed; rejects after `timeoutMs`. */
  line(text: string, timeoutMs?: number): Promise<number>;
  /** Kills the script (and the runtime's own child processes: the npm `deno` starts the real binary). */
  stop(): Promise<void>;
}

/** Runs `file` in `runtime`, reading its stdout line by line as it comes. */
export function startScript(runtime: Runtime, file: string): RunningScript {
  const child = spawnInGroup(runtime, file, []);
  const lines: { text: string; at: number }[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    lines.push({ text, at: Date.now() });
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return {
    lines,
    line: (text, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => line.text === text);
          if (!found) return;
          done();
          resolve(found.at);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${runtime.name} printed no "${text}" within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: () => stopGroup(child),
  };
}

/**
 * Runs `file` in `runtime` with `args` to its end and resolves with what it printed; after
 * `timeoutMs` it kills the script's process group (the npm launcher and the runtime it started)
 * and rejects, with the script's stderr.
 *
 * @example
 * ```ts
 * const { stdout } = await runScript(runtime, '/tmp/client.mjs', ['http://127.0.0.1:3000/events'], 15_000);
 * ```
 */
export function runScript(
  runtime: Runtime,
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  const child = spawnInGroup(runtime, file, args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopGroup(child).then(() =>
        reject(new Error(`${runtime.name} did not end within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`)),
      );
    }, timeoutMs);
    child.once('close', () => {
      clearTimeout(timer);
      if (!timedOut) resolve({ stdout, stderr });
    });
  });
}

/** Starts `file` in `runtime` in a process group of its own, so that {@link stopGroup} reaches the binary the npm launcher starts. */
function spawnInGroup(runtime: Runtime, file: string, args: string[]): ChildProcess {
  return spawn(runtime.bin, runtime.args(file, ...args), { detached: true, env: runtimeEnv, stdio: 'pipe' });
}

/** Sends SIGTERM to the child's process group (the launcher may be gone, its runtime not) and waits (at most 5 s) for the child to exit. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          setTimeout(resolve, 5_000).unref();
        });
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // The group is gone already.
  }
  await exited;
}
