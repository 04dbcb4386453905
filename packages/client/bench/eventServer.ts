/**
 * The server of the client benchmark, in its own process so that the benchmark's CPU time is the
 * clients' alone: a node:http server that answers every request with the same EVENTS events
 * (encoded once up front, written in batches of 1,000) and reports, per response, the CPU time it
 * spent on it. Messages to the parent: `{ url, events, eventBytes }` once listening, then `{ serverMs }` per response.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MessageScript, messageText } from '../../../test/support/messageText.js';
import { seededRandom } from '../../../test/support/random.js';

const EVENTS = 100_000;
const BATCH = 1000;

// Fresh text for every event, as users send it: 1 event in 10 with an accented word (2-byte
// characters), 1 in 20 in CJK (3-byte) and 1 in 20 with emoji (4-byte), the rest ASCII.
const random = seededRandom(20261129);
const script = (i: number): MessageScript =>
  i % 10 === 0 ? 'accented' : i % 20 === 5 ? 'cjk' : i % 20 === 15 ? 'emoji' : 'ascii';
const wire = Array.from(
  { length: EVENTS },
  (_, i) => `id: ${i}\ndata: ${JSON.stringify({ n: i, text: messageText(random, script(i)) })}\n\n`,
);
const batches = Array.from({ length: EVENTS / BATCH }, (_, b) =>
  Buffer.from(wire.slice(b * BATCH, (b + 1) * BATCH).join('')),
);
const eventBytes = Math.round(batches.reduce((sum, batch) => sum + batch.length, 0) / EVENTS);

const server = createServer((_req, res) => {
  const start = process.cpuUsage();
  res.on('close', () => {
    const used = process.cpuUsage(start);
    process.send?.({ serverMs: (used.user + used.system) / 1000 });
  });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  const writeBatch = (): void => {
    while (sent < batches.length) {
      if (!res.write(batches[sent++])) {
        res.once('drain', writeBatch);
        return;
      }
    }
    res.end();
  };
  writeBatch();
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, events: EVENTS, eventBytes });
});
process.on('disconnect', () => {
  server.close();
  server.closeAllConnections();
});
