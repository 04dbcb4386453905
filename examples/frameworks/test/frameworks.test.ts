import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { firstTicks } from '../src/client.js';
import type { RunningAll } from '../src/server.js';

// The servers run in a child process under tsx: inside vitest, the root config's `import`
// condition makes Express 5's router `require('is-promise')` get the ESM build, and every Express
// route then fails (see README). The clients run here.
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const serve = fileURLToPath(new URL('../src/serve.ts', import.meta.url));
let child: ChildProcess;
let urls: RunningAll['urls'];
beforeAll(async () => {
  child = spawn(tsx, ['--conditions=sse-rx-source', serve], {
    env: { ...process.env, PORT: '0', TICK_MS: '20' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  urls = JSON.parse(line) as RunningAll['urls'];
});
afterAll(async () => {
  if (child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
});

test.each(['node', 'express', 'fastify', 'hono'] as const)('%s serves the tick stream', async (name) => {
  const by = name === 'node' ? 'node:http' : name;
  expect(await firstTicks(urls[name], 3)).toEqual([
    { id: '1', n: 1, by },
    { id: '2', n: 2, by },
    { id: '3', n: 3, by },
  ]);
});
