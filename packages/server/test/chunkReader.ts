import { connect, type Socket } from 'node:net';

/** A raw HTTP/1.1 connection that records the chunks of a chunked response body as they arrive. */
export interface ChunkReader {
  socket: Socket;
  /** Payloads of the body's chunks, in order (the final empty chunk excluded). */
  chunks: string[];
  /** Every byte received so far, as latin1 text. */
  raw(): string;
}

/** The connections of every reader not yet closed by {@link closeReaders}. */
const open = new Set<Socket>();

/** Opens a reader of `path` (one GET) on 127.0.0.1:`port`; close it with {@link closeReaders}. */
export function readChunks(port: number, path: string): ChunkReader {
  const socket = connect(port, '127.0.0.1');
  open.add(socket);
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
  const reader: ChunkReader = { socket, chunks: [], raw: () => received };
  let received = '';
  let parsed = -1;
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => {
    received += text;
    if (parsed < 0) {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      parsed = end + 4;
    }
    // Each chunk: its size in hex, CRLF, the payload, CRLF.
    for (;;) {
      const sizeEnd = received.indexOf('\r\n', parsed);
      if (sizeEnd < 0) return;
      const size = Number.parseInt(received.slice(parsed, sizeEnd), 16);
      if (received.length < sizeEnd + 2 + size + 2) return;
      if (size > 0) reader.chunks.push(received.slice(sizeEnd + 2, sizeEnd + 2 + size));
      parsed = sizeEnd + 2 + size + 2;
    }
  });
  return reader;
}

/** Closes the connections of every reader opened so far (for `afterEach`). */
export function closeReaders(): void {
  for (const socket of open) socket.destroy();
  open.clear();
}

/** How many events with an `id:` line the reader received so far. */
export const eventIds = (reader: ChunkReader): number => (reader.chunks.join('').match(/^id: \d+$/gm) ?? []).length;
