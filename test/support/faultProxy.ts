import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { seededRandom } from './random.js';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one connection's server-to-client bytes. */
export type Fault =
  | { kind: 'none' }
  /** Closes both sides after this many bytes. */
  | { kind: 'cut'; afterBytes: number }
  /** Sends a TCP reset after this many bytes. */
  | { kind: 'reset'; afterBytes: number }
  /** Forwards in fragments of at most `maxBytes`, one per event-loop turn; then cuts after `afterBytes` if given. */
  | { kind: 'fragment'; maxBytes: number; afterBytes?: number }
  /** Stops forwarding after this many bytes without closing (a half-open connection). */
  | { kind: 'blackhole'; afterBytes: number };

/** A loopback TCP proxy that injects one fault per connection, chosen by `pickFault`. */
export interface FaultProxy {
  port: number;
  url: string;
  /** How many connections were accepted, and the faults they got. */
  faults: Fault[];
  /** How many of them the upstream refused (nothing listening on its port). */
  readonly refused: number;
  /** Sends new connections to `upstreamPort` from now on (a server restarted elsewhere); open ones stay where they are. */
  retarget(upstreamPort: number): void;
  close(): Promise<void>;
}

/** Starts a fault proxy on 127.0.0.1 in front of `upstreamPort` (also on 127.0.0.1). */
export async function startFaultProxy(
  upstreamPort: number,
  pickFault: (connection: number) => Fault,
): Promise<FaultProxy> {
  const faults: Fault[] = [];
  let refused = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    const fault = pickFault(faults.length);
    faults.push(fault);
    // A closed upstream port refuses the connection: the client's side is closed with it.
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') refused++;
    });
    track(client);
    track(upstream);
    client.pipe(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    forward(upstream, client, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    faults,
    get refused() {
      return refused;
    },
    retarget: (port) => {
      upstreamPort = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Copies `from` to `to`, applying `fault`. */
function forward(from: Socket, to: Socket, fault: Fault): void {
  let sent = 0;
  let stopped = false;
  from.on('data', (chunk: Buffer) => {
    if (stopped) return;
    if (fault.kind === 'fragment') {
      from.pause();
      let offset = 0;
      const next = () => {
        if (to.destroyed) return;
        if (sent >= (fault.afterBytes ?? Infinity)) {
          stopped = true;
          to.end(() => from.destroy());
          return;
        }
        if (offset >= chunk.length) {
          from.resume();
          return;
        }
        const piece = chunk.subarray(offset, offset + fault.maxBytes);
        to.write(piece);
        offset += piece.length;
        sent += piece.length;
        setImmediate(next);
      };
      next();
      return;
    }
    if (fault.kind === 'none') {
      to.write(chunk);
      return;
    }
    const room = fault.afterBytes - sent;
    if (room > 0) to.write(chunk.subarray(0, room));
    sent += chunk.length;
    if (sent < fault.afterBytes) return;
    stopped = true;
    if (fault.kind === 'cut') to.end(() => from.destroy());
    else if (fault.kind === 'reset') to.resetAndDestroy();
    // 'blackhole': keep both sockets open and forward nothing more.
  });
  from.on('end', () => {
    if (!stopped) to.end();
  });
}

/**
 * A seeded fault picker: each of the first `faultyConnections` connections is cut (40 %) or reset (40 %)
 * after 300 to 30,300 bytes, or fragmented into 1-7 byte pieces and cut after a quarter of that (20 %);
 * later connections get no fault, so a run always ends.
 */
export function randomFaults(seed: number, faultyConnections: number): (connection: number) => Fault {
  const random = seededRandom(seed);
  return (connection) => {
    if (connection >= faultyConnections) return { kind: 'none' };
    const afterBytes = 300 + Math.floor(random() * 30_000);
    const roll = random();
    if (roll < 0.4) return { kind: 'cut', afterBytes };
    if (roll < 0.8) return { kind: 'reset', afterBytes };
    return { kind: 'fragment', maxBytes: 1 + Math.floor(random() * 7), afterBytes: afterBytes / 4 };
  };
}

/** `faults` counted by kind, e.g. `cut 20, reset 25, fragment 15, none 3`. */
export function summarizeFaults(faults: Fault[]): string {
  const counts = new Map<string, number>();
  for (const fault of faults) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ');
}
