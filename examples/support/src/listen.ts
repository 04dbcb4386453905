import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { PortInUseError } from './errors.js';

/** A server listening on 127.0.0.1. */
export interface Listening {
  /** Its base URL with the port it got, e.g. `http://127.0.0.1:3000/` (`https:` for a TLS server). */
  url: string;
  /** The port it got (the one asked for, or a free one for 0). */
  port: number;
  /** Ends every open connection (streams never end on their own), then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a server (node:http, https or http2; Express and Hono end up as one of these) on
 * 127.0.0.1. A port that is taken rejects with a {@link PortInUseError} whose message says how to
 * pick another, which {@link runExample} prints as one line.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { listen } from 'sse-rx-example-support';
 * const { url, close } = await listen(createServer(handler), 3000);
 * console.log(url); // http://127.0.0.1:3000/
 * await close();
 * ```
 * @param server - the server, not listening yet.
 * @param port - the port, 0 for any free one.
 * @returns the URL, the port and `close()`.
 */
export async function listen(server: Server, port: number): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error);
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      resolve();
    });
  });
  const actual = (server.address() as { port: number }).port;
  return {
    url: `${server instanceof TlsServer ? 'https' : 'http'}://127.0.0.1:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
