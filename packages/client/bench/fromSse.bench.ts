/**
 * Throughput of fromSse + parseJson against a local node:http server: one connection, N events
 * of about 100 bytes written in batches. Run: pnpm --filter sse-rx-client bench
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, reduce } from 'rxjs';
import { fromSse, parseJson } from '../src/index.js';

const EVENTS = 200_000;
const BATCH = 1000;
const payload = JSON.stringify({ n: 0, text: 'x'.repeat(70) });

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let sent = 0;
  const writeBatch = (): void => {
    while (sent < EVENTS) {
      let chunk = '';
      for (let i = 0; i < BATCH; i++) chunk += `id: ${sent + i}\ndata: ${payload}\n\n`;
      sent += BATCH;
      if (!res.write(chunk)) {
        res.once('drain', writeBatch);
        return;
      }
    }
    res.end();
  };
  writeBatch();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const runs: number[] = [];
for (let run = 0; run < 3; run++) {
  const start = performance.now();
  const count = await lastValueFrom(
    fromSse<{ message: { n: number } }>(url, {}, { reconnect: false }).pipe(
      parseJson(),
      reduce((n) => n + 1, 0),
    ),
  );
  const ms = performance.now() - start;
  if (count !== EVENTS) throw new Error(`expected ${EVENTS} events, got ${count}`);
  runs.push(EVENTS / (ms / 1000));
}
server.close();
const best = Math.max(...runs);
console.log(`fromSse + parseJson: ${Math.round(best).toLocaleString('en')} events/s (best of 3, ${EVENTS} events of ~${payload.length + 16} bytes, one connection)`);
