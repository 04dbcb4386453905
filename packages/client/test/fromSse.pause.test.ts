import type { ServerResponse } from 'node:http';
import { BehaviorSubject, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fromSse, type SseConnectionState } from '../src/index.js';
import { waitFor } from '../../../test/support/http.js';
import { openStream, startServer, type TestServer } from './server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Waits for `check`, failing after 2 s: long delays in these tests are 60 s, so passing proves they were cut short. */
const until = (check: () => boolean, what: string) => waitFor(check, 2000, what);

/** The timers Node has pending (fetch keeps some of its own: compare around a synchronous step only). */
const pendingTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** A server with a replay log: each request gets what came after its Last-Event-ID, then the live events. */
async function startLog() {
  const log: string[] = [];
  const open = new Set<ServerResponse>();
  const send = (res: ServerResponse, index: number) => res.write(`id: ${index + 1}\ndata: ${log[index]}\n\n`);
  server = await startServer((req, res) => {
    openStream(res);
    res.write('retry: 60000\n\n');
    for (let i = Number(req.headers['last-event-id'] ?? 0); i < log.length; i++) send(res, i);
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  const publish = (data: string) => {
    log.push(data);
    for (const res of open) send(res, log.length - 1);
  };
  return { url: server.url, requests: server.requests, publish };
}

describe('fromSse pauseWhen', () => {
  it('aborts the request while paused and resumes with Last-Event-ID: every event arrives exactly once', async () => {
    const log = await startLog();
    const paused = new Subject<boolean>();
    const received: string[] = [];
    const states: SseConnectionState['status'][] = [];
    const subscription = fromSse(log.url, { pauseWhen: paused, onState: (s) => states.push(s.status) }).subscribe((e) =>
      received.push(e.data),
    );
    await until(() => log.requests.length === 1, 'the first request');
    log.publish('a');
    log.publish('b');
    await until(() => received.length === 2, 'a and b');

    paused.next(true);
    await log.requests[0]?.closed; // the server sees the socket go
    log.publish('c'); // while nobody is connected
    expect(states.at(-1)).toBe('paused');

    paused.next(false);
    await until(() => received.length === 3, 'c, replayed');
    log.publish('d');
    await until(() => received.length === 4, 'd, live');
    subscription.unsubscribe();

    expect(received).toEqual(['a', 'b', 'c', 'd']);
    expect(log.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
    expect(states).toEqual(['connecting', 'open', 'paused', 'connecting', 'open', 'closed']);
  });

  it('sends no request while pauseWhen starts out true', async () => {
    const log = await startLog();
    const paused = new BehaviorSubject(true);
    const states: SseConnectionState['status'][] = [];
    const subscription = fromSse(log.url, { pauseWhen: paused, onState: (s) => states.push(s.status) }).subscribe();
    // Every attempt reports `connecting` synchronously before its request: none was started.
    expect(states).toEqual(['paused']);
    paused.next(false);
    await until(() => states.at(-1) === 'open', 'the stream open once unpaused');
    subscription.unsubscribe();
    expect(log.requests).toHaveLength(1);
    expect(states).toEqual(['paused', 'connecting', 'open', 'closed']);
  });

  it('cancels a pending retry when paused and connects at once on resume, leaving no socket or listener after unsubscribe', async () => {
    server = await startServer((_req, res, index) => {
      if (index === 0) {
        res.writeHead(503).end();
        return;
      }
      openStream(res);
      res.write('id: 1\ndata: back\n\n');
    });
    const paused = new Subject<boolean>();
    const states: SseConnectionState[] = [];
    const received: string[] = [];
    const subscription = fromSse(server.url, {
      pauseWhen: paused,
      reconnect: { initialDelayMs: 60_000, jitter: false },
      onState: (s) => states.push(s),
    }).subscribe((e) => received.push(e.data));
    await until(() => states.at(-1)?.status === 'reconnecting', 'the 60 s retry delay');
    const waiting = pendingTimers();
    paused.next(true);
    expect(pendingTimers()).toBe(waiting - 1); // the retry timer, gone at once
    paused.next(false);
    await until(() => received.length === 1, 'the event after resuming');
    subscription.unsubscribe();
    await server.requests[1]?.closed;

    expect(states.map((s) => s.status)).toEqual([
      'connecting',
      'reconnecting',
      'paused',
      'connecting',
      'open',
      'closed',
    ]);
    expect(server.requests).toHaveLength(2);
    expect(paused.observed).toBe(false);
  });

  it('resumes after the last event delivered when paused from an event handler mid-chunk', async () => {
    const events = ['a', 'b', 'c'];
    server = await startServer((req, res) => {
      openStream(res);
      const from = Number(req.headers['last-event-id'] ?? 0);
      res.write(
        events
          .slice(from)
          .map((data, i) => `id: ${from + i + 1}\ndata: ${data}\n\n`)
          .join(''),
      ); // one chunk
    });
    const paused = new Subject<boolean>();
    const received: string[] = [];
    const subscription = fromSse(server.url, { pauseWhen: paused }).subscribe((e) => {
      received.push(e.data);
      if (e.data === 'a') paused.next(true);
    });
    await until(() => received.length === 1, 'a');
    paused.next(false);
    await until(() => received.length === 3, 'b and c');
    subscription.unsubscribe();
    expect(received).toEqual(['a', 'b', 'c']);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1']);
  });

  it('fails with the error of pauseWhen', async () => {
    const log = await startLog();
    const paused = new Subject<boolean>();
    const errors: unknown[] = [];
    fromSse(log.url, { pauseWhen: paused }).subscribe({ error: (e: unknown) => errors.push(e) });
    await until(() => log.requests.length === 1, 'the request');
    paused.error(new Error('signal broke'));
    expect(errors).toEqual([new Error('signal broke')]);
    await log.requests[0]?.closed;
  });
});

describe('fromSse reconnect.retryNow', () => {
  it('cuts a 60 s backoff short and resumes with Last-Event-ID, and is ignored while connected', async () => {
    server = await startServer((_req, res, index) => {
      openStream(res);
      if (index === 0)
        res.end('id: 1\ndata: a\n\n'); // the server ends the stream: a 60 s wait
      else res.write('id: 2\ndata: b\n\n');
    });
    const now = new Subject<void>();
    const received: string[] = [];
    const states: SseConnectionState['status'][] = [];
    const subscription = fromSse(server.url, {
      reconnect: { initialDelayMs: 60_000, jitter: false, retryNow: now },
      onState: (s) => states.push(s.status),
    }).subscribe((e) => received.push(e.data));
    await until(() => states.at(-1) === 'reconnecting', 'the 60 s retry delay');
    now.next();
    await until(() => received.length === 2, 'b, at once');
    now.next(); // connected: nothing happens (a retry would report `connecting` synchronously)
    expect(states.at(-1)).toBe('open');
    subscription.unsubscribe();

    expect(received).toEqual(['a', 'b']);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1']);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open', 'closed']);
  });
});
