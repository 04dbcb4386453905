import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { fileURLToPath } from 'node:url';

/** The repository root, where the READMEs' commands run. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** An example started as a separate process group, the way a terminal runs it. */
export interface ExampleProcess {
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects after `timeoutMs` or if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** The distinct `http(s)://127.0.0.1:port` origins printed so far, in order. */
  origins(): string[];
  /** Resolves with the exit code (`null` and the signal when a signal ended it) once the process and all it started are gone (their output pipes closed). */
  exited: Promise<Exit>;
  /** Ctrl-C: SIGINT to the whole group, as a terminal sends it; resolves with the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<Exit>;
}

/**
 * Runs a shell command from the repository root (e.g. a README's `pnpm --filter ... start`) in its
 * own process group, with `PORT=0` so every example gets free ports.
 * @param command - the command, as a README gives it.
 * @param env - more environment variables.
 */
export function startExample(command: string, env: Record<string, string> = {}): ExampleProcess {
  const child: ChildProcess = spawn('bash', ['-c', command], {
    cwd: repoRoot,
    detached: true,
    env: { ...process.env, PORT: '0', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exit: Exit | undefined;
  // 'close', not 'exit': pnpm (the shell's child) may exit on the SIGINT before the example it
  // started has printed its last lines; 'close' comes once every process holding the output
  // pipes (the whole tree) is gone and all its output was read.
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      exit = { code, signal };
      for (const listener of listeners) listener();
      resolve(exit);
    }),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    output: () => text,
    exited,
    origins: () => [...new Set(text.match(/https?:\/\/127\.0\.0\.1:\d+/g) ?? [])],
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) done(() => resolve(match));
          else if (exit !== undefined)
            done(() => reject(new Error(`exited (${JSON.stringify(exit)}) before printing ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    stop: async (timeoutMs = 10_000) => {
      if (exit !== undefined) return exit;
      signalGroup('SIGINT');
      const timer = setTimeout(() => signalGroup('SIGKILL'), timeoutMs);
      const ended = await exited;
      clearTimeout(timer);
      // Whatever the entry left behind in its group (it should be nothing) goes too.
      signalGroup('SIGKILL');
      return ended;
    },
  };
}

/**
 * Sends raw bytes to a server and returns what it answered until it closed the connection (or
 * `timeoutMs`): for requests `fetch` refuses to send, such as `GET //[`.
 * @param origin - e.g. `http://127.0.0.1:3000` (or `https:`, over TLS).
 * @param request - the bytes of the request.
 * @param timeoutMs - the most to wait for the answer.
 * @param hangUp - close our side right after writing (a client that leaves mid-request).
 */
export function rawRequest(origin: string, request: string, timeoutMs = 3000, hangUp = false): Promise<string> {
  const { hostname, port, protocol } = new URL(origin);
  return new Promise((resolve, reject) => {
    // An https origin (self-signed in the examples): TLS without checking the certificate, HTTP/1.1 over it.
    const socket =
      protocol === 'https:'
        ? connectTls({ port: Number(port), host: hostname, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
        : connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    if (hangUp) socket.end(request);
    else socket.write(request);
  });
}

/** The status code of a raw HTTP/1.1 answer, or 0 when there was none. */
export function statusOf(answer: string): number {
  return Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
}

/**
 * The command an example's README gives first (the first line of its first `sh` block, without
 * a trailing comment), so the tests run what a reader types.
 * @param example - the folder name under `examples/`.
 */
export function readmeCommand(example: string): string {
  const readme = readFileSync(join(repoRoot, 'examples', example, 'README.md'), 'utf8');
  const block = readme.match(/```sh\n([^\n]+)\n/);
  if (!block) throw new Error(`examples/${example}/README.md has no sh block`);
  return block[1]!.replace(/\s+#.*$/, '').trim();
}
