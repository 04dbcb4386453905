/**
 * The parts of a Node request that sse-rx reads, written out so that its types need no
 * `@types/node`: `http.IncomingMessage`, `http2.Http2ServerRequest`, Express's `req` and
 * Fastify's `request.raw` all fit.
 *
 * @example
 * ```ts
 * import type { IncomingMessage } from 'node:http';
 * import type { SseNodeRequest } from 'sse-rx-server';
 * const request: SseNodeRequest = {} as IncomingMessage;
 * ```
 * @public
 */
export interface SseNodeRequest {
  /** `'GET'`, `'HEAD'`, ...: a `HEAD` or `OPTIONS` request gets an answer, never a stream. */
  readonly method?: string;
  /** 1 or 2: decides the `connection` header and whether the connection is one stream's own. */
  readonly httpVersionMajor: number;
  /** The request headers (`last-event-id`, ...), names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request target, for a `lastEventId` query parameter. */
  readonly url?: string;
  /** The connection; an HTTP/1 stream ends when it closes, even while its response is queued. */
  readonly socket?: SseNodeSocket | null;
}

/**
 * The parts of a Node connection that sse-rx uses (a `net.Socket`).
 * @public
 */
export interface SseNodeSocket {
  /** True once the connection is gone. */
  readonly destroyed: boolean;
  /** Listens for the connection closing. */
  on(event: 'close', listener: () => void): unknown;
  /** Stops listening for the connection closing. */
  off(event: 'close', listener: () => void): unknown;
  /** Closes the connection at once (a second stream pipelined behind a live one). */
  destroy(): unknown;
}

/**
 * Response headers as Node takes them (`OutgoingHttpHeaders`, Fastify's `reply.getHeaders()`):
 * `undefined` values are left out, names are case-insensitive.
 * @public
 */
export type SseNodeHeaders = Readonly<Record<string, string | number | string[] | undefined>>;

/**
 * The parts of a Node response that `sendEvents` uses: `http.ServerResponse`,
 * `http2.Http2ServerResponse`, Express's `res` and Fastify's `reply.raw` all fit.
 * @public
 */
export interface SseNodeResponse {
  /** Sets the status and headers of the response. */
  writeHead(status: number, headers: Record<string, string | number | string[]>): unknown;
  /** Sends the head at once, before the first event. */
  flushHeaders?(): void;
  /** Writes one encoded frame; false when the connection is full (wait for `drain`); `callback` once it is passed on. */
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  /** Added by compression middleware: pushes out what zlib holds back. */
  flush?(): void;
  /** Ends the response, after a last chunk (an error body, say). */
  end(chunk: string): unknown;
  /** Drops the connection at once (a slow client, a shutdown deadline). */
  destroy(error?: Error): unknown;
  /** Listens for the client leaving (`close`), room to write (`drain`) or a failure (`error`). */
  on(event: 'close' | 'drain' | 'error', listener: () => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: 'close' | 'drain' | 'error', listener: () => void): unknown;
  /** True once the response's connection is gone. */
  readonly destroyed: boolean;
  /**
   * The connection, once this response is the one being written on it: Node leaves it `null` for
   * a response queued behind a pipelined one (whose `close` then never comes).
   */
  readonly socket?: unknown;
  /** True once `end` was called. */
  readonly writableEnded: boolean;
  /** Bytes accepted by `write` and not yet handed to the kernel (the socket's or the HTTP/2 stream's included). */
  readonly writableLength?: number;
  /** What `writableLength` may reach before `write` says the connection is full. */
  readonly writableHighWaterMark?: number;
}
