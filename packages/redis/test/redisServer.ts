import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when `redis-server` can be started; suites skip themselves (loudly) otherwise. */
export const redisServerAvailable = spawnSync('redis-server', ['--version']).status === 0;
if (!redisServerAvailable) console.warn('\n!!! redis-server is not on PATH: the sse-rx-redis tests are SKIPPED !!!\n');

/** A redis-server child process on an ephemeral port of 127.0.0.1, without persistence unless asked for. */
export interface RedisServer {
  readonly port: number;
  /** Kills the server with SIGKILL (a crash: its data is gone). */
  kill(): Promise<void>;
  /** Freezes the server with SIGSTOP: its connections stay open and silent. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Starts the server again on the same port (empty, unless it has an append-only file) and waits until it answers PING. */
  start(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * Keeps an append-only file in this folder, fsynced on every write (`appendfsync always`), so a
   * restart after `kill()` finds every acknowledged write again. @default undefined (no persistence)
   */
  appendOnlyDir?: string;
}

/** Starts a redis-server on a free port and waits until it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    async kill() {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async start() {
      const persistence = options.appendOnlyDir
        ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir]
        : ['--appendonly', 'no'];
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'no'];
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPing(port);
    },
  };
  await server.start();
  return server;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await ping(port)) return;
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}
