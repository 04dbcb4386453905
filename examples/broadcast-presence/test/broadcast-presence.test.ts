import { filter, firstValueFrom, ReplaySubject, timeout, type Subscription } from 'rxjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addPerson, watch, type RoomEvent } from '../src/client.js';
import { start, type Running } from '../src/server.js';

let server: Running;
const subscriptions: Subscription[] = [];
beforeAll(async () => {
  server = await start(0);
});
afterAll(async () => {
  for (const s of subscriptions) s.unsubscribe();
  await server.close();
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

const presence = (ids: string[]) => (e: RoomEvent) =>
  e.type === 'presence' && JSON.stringify(e.data) === JSON.stringify(ids);

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
