import { filter, firstValueFrom, ReplaySubject, timeout, type Subscription } from 'rxjs';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addPerson, watch, type RoomEvent } from '../src/client.js';

// The server runs in a child process under tsx: inside vitest, the root config's `import`
// condition makes Express 5's router `require('is-promise')` get the ESM build, and every route
// then fails (see README). The client side runs here as usual.
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const serve = fileURLToPath(new URL('../src/serve.ts', import.meta.url));
let child: ChildProcess;
const server = { url: '' };
const subscriptions: Subscription[] = [];
beforeAll(async () => {
  child = spawn(tsx, ['--conditions=sse-rx-source', serve], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  server.url = line.replace(/^listening /, '');
});
afterAll(async () => {
  for (const s of subscriptions) s.unsubscribe();
  if (child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
});

/** Connects a watcher; its events are replayed to every `until`. */
function connect() {
  const events$ = new ReplaySubject<RoomEvent>();
  const subscription = watch(server.url).subscribe(events$);
  subscriptions.push(subscription);
  const until = (predicate: (e: RoomEvent) => boolean) =>
    firstValueFrom(events$.pipe(filter(predicate), timeout(5000)));
  return { subscription, until };
}

const presence = (ids: string[]) => (e: RoomEvent) => e.type === 'presence' && JSON.stringify(e.data) === JSON.stringify(ids);

test('presence follows connects and disconnects; a new person reaches every client', async () => {
  const a = connect();
  expect(await a.until((e) => e.type === 'hello')).toEqual({ type: 'hello', data: { id: 'c1' } });
  expect(await a.until((e) => e.type === 'persons')).toEqual({ type: 'persons', data: [] });
  await a.until(presence(['c1']));

  const b = connect();
  await b.until(presence(['c1', 'c2']));
  await a.until(presence(['c1', 'c2']));

  expect(await addPerson(server.url, 'Ada')).toEqual([{ name: 'Ada' }]);
  const ada = (e: RoomEvent) => e.type === 'persons' && e.data.length === 1 && e.data[0]?.name === 'Ada';
  await Promise.all([a.until(ada), b.until(ada)]);

  b.subscription.unsubscribe();
  await a.until(presence(['c1']));
});
