/**
 * Child processes of a bench, driven over IPC, and killed (with anything else registered through
 * {@link atCleanUp}) when this process exits, also on an error or SIGINT/SIGTERM. Importing this
 * module installs those exit handlers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const children: ChildProcess[] = [];
const cleanUps: (() => void)[] = [];

/** Runs `fn` (synchronously) at clean-up, after the children are killed. */
export function atCleanUp(fn: () => void): void {
  cleanUps.push(fn);
}

/** Kills every child still running (SIGKILL) and runs the {@link atCleanUp} functions; safe to call twice. */
export function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const fn of cleanUps.splice(0)) fn();
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/** Forks the TypeScript module at `url` with this process's flags (tsx's loader, `--conditions`). */
export function startChild(url: URL, args: string[]): ChildProcess {
  // 'advanced' serialization sends Float64Arrays as they are.
  const child = fork(fileURLToPath(url), args, { execArgv: process.execArgv, serialization: 'advanced' });
  children.push(child);
  return child;
}

/** The next message of `type` from `child` (after sending `command`, if given), or a timeout error. */
export function next<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  command?: object,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', listener);
      reject(new Error(`no '${type}' from child ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (message: T | { type: 'error'; message: string }): void => {
      if (message.type !== type && message.type !== 'error') return;
      clearTimeout(timer);
      child.off('message', listener);
      if ('message' in message && message.type === 'error') reject(new Error(message.message));
      else resolve(message as T);
    };
    child.on('message', listener);
    if (command) child.send(command);
  });
}

/** Polls until `check` is true, at most `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}
