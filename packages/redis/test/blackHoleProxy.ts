import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy in front of a redis-server that can black-hole the connections it carries, or lose a reply. */
export interface BlackHoleProxy {
  readonly port: number;
  /**
   * The next reply Redis sends, on any connection, is dropped and that connection closed (a reply
   * lost to a network cut after Redis carried out the command): a client that sends the command
   * again has it carried out twice unless the command is idempotent.
   */
  loseNextReply(): void;
  /**
   * Stops forwarding, both ways, on every connection open now, without closing any of them and
   * ignoring their FIN (a host that crashed, a failover that moved the IP): the peers see a
   * silent TCP connection. New connections are forwarded as usual.
   */
  blackHole(): void;
  /** Closes the proxy and every connection it holds. */
  close(): Promise<void>;
}

/** Starts a {@link BlackHoleProxy} on an ephemeral port of 127.0.0.1 in front of `upstreamPort`. */
export async function startBlackHoleProxy(upstreamPort: number): Promise<BlackHoleProxy> {
  const open = new Set<() => void>();
  let losingReply = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  // allowHalfOpen: a FIN from a black-holed peer is never answered.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort, allowHalfOpen: true });
    track(client);
    track(upstream);
    const toUpstream = (chunk: Buffer): boolean => upstream.write(chunk);
    const toClient = (chunk: Buffer): boolean => {
      if (!losingReply) return client.write(chunk);
      losingReply = false;
      client.destroy();
      upstream.destroy();
      return false;
    };
    client.on('data', toUpstream);
    upstream.on('data', toClient);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    // A FIN, or a reset or refusal (a killed redis-server, one not started yet: 'close' without
    // 'end') on one side closes the other, so only blackHole() makes a connection silent.
    for (const event of ['end', 'close']) {
      client.on(event, closeBoth);
      upstream.on(event, closeBoth);
    }
    const stop = (): void => {
      client.off('data', toUpstream).off('end', closeBoth).off('close', closeBoth);
      upstream.off('data', toClient).off('end', closeBoth).off('close', closeBoth);
      // Keep reading into the void so nothing signals the peers through a full window either.
      client.on('data', () => undefined);
      upstream.on('data', () => undefined);
    };
    open.add(stop);
    client.on('close', () => open.delete(stop));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    loseNextReply() {
      losingReply = true;
    },
    blackHole() {
      for (const stop of open) stop();
      open.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
