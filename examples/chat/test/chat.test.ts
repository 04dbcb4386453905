import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { messages, post } from '../src/client.js';
import { start, type Running } from '../src/server.js';

let server: Running;
beforeAll(async () => {
  server = await start(0);
});
afterAll(() => server.close());

/** `<n>:<text>`, n the number at the end of the store's id (`<epoch>:<n>`). */
const texts = (list: { id: string; text: string }[]) => list.map((m) => `${m.id.split(':')[1]}:${m.text}`);
/** The store's id of message `n`, from the id of any message. */
const idOf = (someId: string, n: number) => someId.replace(/\d+$/, String(n));
let firstId = '';

test('every connected client receives a posted message', async () => {
  const a = firstValueFrom(messages(server.url).pipe(take(1)));
  const b = firstValueFrom(messages(server.url).pipe(take(1)));
  const id = await post(server.url, 'ann', 'hello all');
  firstId = id;
  expect(id).toMatch(/^[0-9a-z]+\.\d+:1$/);
  expect((await a).text).toBe('hello all');
  expect((await b).from).toBe('ann');
});

test('a client back with Last-Event-ID gets exactly the messages it missed, then live ones', async () => {
  // Connected: receive message 2 and leave (take unsubscribes, which closes the connection).
  const first = firstValueFrom(messages(server.url, firstId).pipe(take(1)));
  await post(server.url, 'bob', 'before');
  const seen = await first;
  expect(texts([seen])).toEqual(['2:before']);
  // Away: two messages are posted.
  await post(server.url, 'ann', 'missed one');
  await post(server.url, 'ann', 'missed two');
  // Back, resuming after the last id seen (sent as the Last-Event-ID header), then one live message.
  const resumed = firstValueFrom(messages(server.url, seen.id).pipe(take(3), toArray()));
  await post(server.url, 'bob', 'live');
  expect(texts(await resumed)).toEqual(['3:missed one', '4:missed two', '5:live']);
});

test('the page and the raw Last-Event-ID header work for browsers', async () => {
  const html = await (await fetch(server.url)).text();
  expect(html).toContain("new EventSource('/events')");
  const controller = new AbortController();
  const response = await fetch(new URL('events', server.url), {
    headers: { 'last-event-id': idOf(firstId, 4) },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let text = '';
  const fifth = idOf(firstId, 5);
  for (let i = 0; i < 10 && !text.includes(fifth); i++) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  expect(text).not.toContain(`id: ${idOf(firstId, 4)}\n`);
  expect(text).toContain(`event: chat\nid: ${fifth}\ndata: {"from":"bob","text":"live"`);
});
