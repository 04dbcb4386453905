import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSse, type SseConnectionState } from '../src/index.js';
import { waitFor } from '../../../test/support/http.js';
import { openStream, startServer, type TestServer } from './server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Waits for `check`, failing after 2 s: long delays in these tests are 60 s, so passing proves they were cut short. */
const until = (check: () => boolean, what: string) => waitFor(check, 2000, what);

describe('connectSse', () => {
  it('shares one request among subscribers and reports every state on state$, paused included', async () => {
    server = await startServer((req, res) => {
      openStream(res);
      const from = Number(req.headers['last-event-id'] ?? 0);
      res.write(`id: ${from + 1}\ndata: ${from + 1}\n\n`);
    });
    const paused = new Subject<boolean>();
    const onState: string[] = [];
    const { events$, state$ } = connectSse(server.url, { pauseWhen: paused, onState: (s) => onState.push(s.status) });
    const states: SseConnectionState['status'][] = [];
    state$.subscribe((s) => states.push(s.status));
    const a: string[] = [];
    const b: string[] = [];
    const first = events$.subscribe((e) => a.push(e.data));
    const second = events$.subscribe((e) => b.push(e.data));
    await until(() => a.length === 1, 'the first event');
    paused.next(true);
    paused.next(false);
    await until(() => a.length === 2, 'the event after resuming');
    first.unsubscribe();
    expect(states.at(-1)).toBe('open'); // b still holds the connection
    second.unsubscribe();

    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1']);
    expect([a, b]).toEqual([
      ['1', '2'],
      ['1', '2'],
    ]);
    expect(states).toEqual(['closed', 'connecting', 'open', 'paused', 'connecting', 'open', 'closed']);
    expect(onState).toEqual(states.slice(1));
  });

  it('replays the latest state to a late subscriber, closed before any connection', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.write('data: x\n\n');
    });
    const { events$, state$ } = connectSse(server.url);
    const late = () => {
      let latest: string | undefined;
      state$.subscribe((s) => (latest = s.status)).unsubscribe();
      return latest;
    };
    expect(late()).toBe('closed');
    const subscription = events$.subscribe();
    await until(() => late() === 'open', 'open');
    subscription.unsubscribe();
    expect(late()).toBe('closed');
    await server.requests[0]?.closed;
  });

  it('shareAcrossTabs where there is no document (Node): each connectSse keeps its own request, events and state as without it', async () => {
    server = await startServer((_req, res) => {
      openStream(res);
      res.write('id: 1\ndata: x\n\n');
    });
    const connections = [
      connectSse(server.url, { shareAcrossTabs: true }),
      connectSse(server.url, { shareAcrossTabs: 'room' }),
    ];
    const received: string[][] = [[], []];
    const states: string[][] = [[], []];
    const subscriptions = connections.map(({ events$, state$ }, i) => {
      state$.subscribe((s) => states[i]!.push(s.status));
      return events$.subscribe((e) => received[i]!.push(e.data));
    });
    await until(() => received.every((r) => r.length === 1), 'an event on each connection');
    for (const subscription of subscriptions) subscription.unsubscribe();
    expect(server.requests).toHaveLength(2);
    expect(received).toEqual([['x'], ['x']]);
    expect(states).toEqual([
      ['closed', 'connecting', 'open', 'closed'],
      ['closed', 'connecting', 'open', 'closed'],
    ]);
  });

  it('refuses shareAcrossTabs with pauseWhen, or with an empty channel name, with a TypeError that says why', () => {
    expect(() => connectSse('http://127.0.0.1/', { shareAcrossTabs: true, pauseWhen: new Subject<boolean>() })).toThrow(
      /pauseWhen cannot be combined with shareAcrossTabs/,
    );
    expect(() => connectSse('http://127.0.0.1/', { shareAcrossTabs: '' })).toThrow(/non-empty channel name/);
  });
});
