/**
 * The HTTP clients of cluster.bench.ts, in their own process (forked, driven over IPC). Opens
 * plain node:http SSE requests, counts every event frame (`\n\n`) that carries `data: t=<send
 * time>;s=<seq>;` (seq >= 0; negative ones are warm-up), checks that each connection gets seq
 * 0, 1, 2, ... with no gap or duplicate, and records latency = receipt time - send time, both
 * `performance.timeOrigin + performance.now()`.
 */
import { Agent, get, type ClientRequest } from 'node:http';
import { now } from './eventData.js';

/** Orchestrator -> clients. */
export type ClientsCommand =
  | { type: 'connect'; ports: number[]; perPort: number }
  | { type: 'expect'; events: number; timeoutMs: number }
  | { type: 'disconnect' }
  | { type: 'exit' };

/** Clients -> orchestrator. */
export type ClientsReply =
  | { type: 'connected'; n: number }
  | { type: 'expecting' }
  /** The fewest events any connection got so far in this run: publishers may run this far ahead. */
  | { type: 'progress'; min: number }
  | {
      type: 'done';
      received: number;
      /** Frames out of order, repeated or missing, and connections closed by the server. */
      errors: number;
      closed: number;
      lastReceipt: number;
      latencies: Float64Array;
      timedOut: boolean;
    }
  | { type: 'disconnected' }
  | { type: 'error'; message: string };

interface Connection {
  request: ClientRequest;
  carry: Buffer | undefined;
  /** The next seq this connection should get. */
  next: number;
  closing: boolean;
}

const SEPARATOR = Buffer.from('\n\n');
const MARK = Buffer.from('data: t=');
const PROGRESS_MS = 10;
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const reply = (message: ClientsReply): void => void process.send?.(message);

let connections: Connection[] = [];
let expected = 0;
let received = 0;
let errors = 0;
let closed = 0;
let lastReceipt = 0;
let latencies = new Float64Array(0);
let timer: NodeJS.Timeout | undefined;
let progress: NodeJS.Timeout | undefined;

function finish(timedOut: boolean): void {
  clearTimeout(timer);
  clearInterval(progress);
  const n = Math.min(received, latencies.length);
  reply({ type: 'done', received, errors, closed, lastReceipt, latencies: latencies.slice(0, n), timedOut });
  expected = 0;
}

function onData(connection: Connection, chunk: Buffer): void {
  const buffer = connection.carry ? Buffer.concat([connection.carry, chunk]) : chunk;
  const t = now();
  let position = 0;
  for (let end = buffer.indexOf(SEPARATOR, position); end !== -1; end = buffer.indexOf(SEPARATOR, position)) {
    const mark = buffer.indexOf(MARK, position);
    if (mark !== -1 && mark < end && expected > 0) {
      const fields = buffer.toString('latin1', mark + MARK.length, Math.min(end, mark + MARK.length + 40)).split(';');
      const seq = Number(fields[1]?.slice(2));
      // Warm-up events (negative seq) may still be arriving: not part of the run.
      if (seq < 0) {
        position = end + SEPARATOR.length;
        continue;
      }
      if (seq !== connection.next) errors++;
      connection.next = seq + 1;
      if (received < latencies.length) latencies[received] = t - Number(fields[0]);
      received++;
      lastReceipt = t;
    }
    position = end + SEPARATOR.length;
  }
  connection.carry = position < buffer.length ? Buffer.from(buffer.subarray(position)) : undefined;
  if (expected > 0 && received >= expected) finish(false);
}

function open(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const connection: Connection = {
      request: undefined as unknown as ClientRequest,
      carry: undefined,
      next: 0,
      closing: false,
    };
    connection.request = get(
      { host: '127.0.0.1', port, path: '/', agent, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => onData(connection, chunk));
        res.on('error', () => undefined);
        res.on('close', () => {
          if (!connection.closing) closed++;
        });
        resolve(connection);
      },
    );
    connection.request.on('error', (error) => (connection.closing ? undefined : reject(error)));
  });
}

process.on('message', (command: ClientsCommand) => {
  void handle(command).catch((error: unknown) => reply({ type: 'error', message: String(error) }));
});
process.on('disconnect', () => process.exit(0));

async function handle(command: ClientsCommand): Promise<void> {
  if (command.type === 'connect') {
    // Round-robin over the ports, 200 handshakes at a time.
    const ports = Array.from(
      { length: command.perPort * command.ports.length },
      (_, i) => command.ports[i % command.ports.length]!,
    );
    for (let i = 0; i < ports.length; i += 200)
      connections.push(...(await Promise.all(ports.slice(i, i + 200).map(open))));
    reply({ type: 'connected', n: connections.length });
  } else if (command.type === 'expect') {
    expected = command.events * connections.length;
    received = errors = closed = lastReceipt = 0;
    for (const connection of connections) connection.next = 0;
    if (latencies.length < expected) latencies = new Float64Array(expected);
    timer = setTimeout(() => finish(true), command.timeoutMs);
    progress = setInterval(() => {
      let min = Infinity;
      for (const connection of connections) min = Math.min(min, connection.next);
      reply({ type: 'progress', min });
    }, PROGRESS_MS);
    reply({ type: 'expecting' });
  } else if (command.type === 'disconnect') {
    for (const connection of connections) {
      connection.closing = true;
      connection.request.destroy();
    }
    connections = [];
    reply({ type: 'disconnected' });
  } else {
    process.exit(0);
  }
}
