/**
 * The client script `runtimes.test.ts` bundles and runs in Bun and Deno: it streams the endpoint given
 * as its argument with a POST body and a header, reconnects once the server ends the stream, and
 * prints each parsed event as a JSON line, stopping after four.
 */
import { take } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';

type Runtime = { Deno?: { args: string[] }; process?: { argv: string[] } };
const runtime = globalThis as Runtime;
const url = runtime.Deno?.args[0] ?? runtime.process?.argv[2];
if (!url) throw new TypeError('usage: client.mjs URL');

fromSse<{ tick: { n: number; prompt: string; auth: string } }>(url, {
  method: 'POST',
  headers: { authorization: 'Bearer t0k', 'content-type': 'application/json' },
  body: '{"prompt":"hi"}',
  reconnect: { initialDelayMs: 10, jitter: false },
})
  .pipe(ofType('tick'), parseJson(), take(4))
  .subscribe({
    next: (event) => console.log(JSON.stringify({ id: event.lastEventId, ...event.data })),
    error: (error: unknown) => console.error('client failed:', error),
  });
