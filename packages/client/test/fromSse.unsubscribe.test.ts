import { filter, takeUntil, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSse, fromSse, type FromSseConfig } from '../src/index.js';
import { waitFor } from '../../../test/support/http.js';
import { openStream, startServer, type TestServer } from './server.js';

// Issue 11: unsubscribing from inside any callback stops everything: no timer, no request after it.

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The retry delay of these tests; the quiet window after an unsubscribe is 25 of them. */
const RETRY_MS = 20;
const QUIET_MS = 25 * RETRY_MS;

/** A server that sends one event and ends every stream: each request is followed by a retry. */
async function endingServer(): Promise<TestServer> {
  server = await startServer((_req, res) => {
    openStream(res);
    res.end('data: x\n\n');
  });
  return server;
}

/** Requests seen during the quiet window after the unsubscribe (a retry would come after RETRY_MS). */
async function requestsAfter(unsubscribed: () => boolean, running: TestServer): Promise<number> {
  await waitFor(unsubscribed, 3000, 'the unsubscribe');
  const before = running.requests.length;
  await waitFor(() => running.requests.length > before, QUIET_MS, 'a request after the unsubscribe').catch(
    () => undefined,
  );
  return running.requests.length - before;
}

describe('fromSse unsubscribed from inside a callback', () => {
  const reconnect = { initialDelayMs: RETRY_MS, jitter: false };
  const cases: Array<[string, (stop: () => void) => FromSseConfig]> = [
    ["onState 'reconnecting'", (stop) => ({ reconnect, onState: (s) => s.status === 'reconnecting' && stop() })],
    ['onRetry', (stop) => ({ reconnect: { ...reconnect, onRetry: stop } })],
    [
      'shouldRetry',
      (stop) => ({
        reconnect: {
          ...reconnect,
          shouldRetry: () => {
            stop();
            return true;
          },
        },
      }),
    ],
  ];

  it.each(cases)('%s: no request after it', async (_name, configFor) => {
    const running = await endingServer();
    let subscription: Subscription | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      subscription?.unsubscribe();
    };
    subscription = fromSse(running.url, configFor(stop)).subscribe({ error: () => undefined });
    expect(await requestsAfter(() => stopped, running)).toBe(0);
    expect(running.requests).toHaveLength(1);
  });

  it("a subscriber's next: no request after it", async () => {
    const running = await endingServer();
    let stopped = false;
    const subscription: Subscription = fromSse(running.url, { reconnect }).subscribe(() => {
      stopped = true;
      subscription.unsubscribe();
    });
    expect(await requestsAfter(() => stopped, running)).toBe(0);
    expect(running.requests).toHaveLength(1);
  });

  it('connectSse with takeUntil(state$ reconnecting): no request after it', async () => {
    const running = await endingServer();
    const { events$, state$ } = connectSse(running.url, { reconnect });
    let stopped = false;
    events$
      .pipe(takeUntil(state$.pipe(filter((s) => s.status === 'reconnecting'))))
      .subscribe({ complete: () => (stopped = true) });
    expect(await requestsAfter(() => stopped, running)).toBe(0);
    expect(running.requests).toHaveLength(1);
  });
});
