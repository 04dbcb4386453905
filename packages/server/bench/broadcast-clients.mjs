// The client side of broadcast.bench.ts, in its own process (forked, driven over IPC): opens N
// loopback SSE connections with node:http, counts events by `\n\n` frames that carry `data: t=` (`data:t=`),
// and records receipt latency = now - t, both clocks being performance.timeOrigin + performance.now().
import { Agent, get } from 'node:http';

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const SEP = Buffer.from('\n\n');
const MARK = Buffer.from('t='); // after 'data: ' (or 'data:' from better-sse)
const now = () => performance.timeOrigin + performance.now();

let connections = [];
let expected = 0;
let received = 0;
let latencies = new Float64Array(0);
let lastReceipt = 0;
let doneTimer;

function finish(timedOut) {
  clearTimeout(doneTimer);
  const n = Math.min(received, latencies.length);
  const sorted = latencies.subarray(0, n).sort();
  const pick = (q) => (n ? sorted[Math.min(n - 1, Math.floor(q * n))] : NaN);
  process.send({ type: 'done', received, lastReceipt, p50: pick(0.5), p99: pick(0.99), timedOut });
  expected = 0;
}

function onData(conn, chunk) {
  const buf = conn.carry ? Buffer.concat([conn.carry, chunk]) : chunk;
  const t = now();
  let pos = 0;
  for (let end = buf.indexOf(SEP, pos); end !== -1; end = buf.indexOf(SEP, pos)) {
    const mark = buf.indexOf(MARK, pos);
    if (mark !== -1 && mark < end && expected > 0) {
      const sent = Number.parseFloat(buf.toString('latin1', mark + MARK.length, mark + MARK.length + 20));
      if (received < latencies.length) latencies[received] = t - sent;
      received++;
      lastReceipt = t;
    }
    pos = end + 2;
  }
  conn.carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
  if (expected > 0 && received >= expected) finish(false);
}

function open(port) {
  return new Promise((resolve, reject) => {
    const conn = { carry: null, req: null };
    conn.req = get({ host: '127.0.0.1', port, path: '/', agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      res.on('data', (chunk) => onData(conn, chunk));
      res.on('error', () => {});
      resolve(conn);
    });
    conn.req.on('error', (error) => (conn.closing ? undefined : reject(error)));
  });
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'connect') {
      for (let i = 0; i < msg.n; i += 250) {
        const batch = Array.from({ length: Math.min(250, msg.n - i) }, () => open(msg.port));
        connections.push(...(await Promise.all(batch)));
      }
      process.send({ type: 'connected', n: connections.length });
    } else if (msg.type === 'expect') {
      expected = msg.total;
      received = 0;
      lastReceipt = 0;
      if (latencies.length < msg.total) latencies = new Float64Array(msg.total);
      doneTimer = setTimeout(() => finish(true), msg.timeoutMs);
      process.send({ type: 'expecting' });
    } else if (msg.type === 'disconnect') {
      for (const conn of connections) {
        conn.closing = true;
        conn.req.destroy();
      }
      connections = [];
      process.send({ type: 'disconnected' });
    } else if (msg.type === 'exit') {
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
