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
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly url?: string;
  /** The connection; an HTTP/1 stream ends when it closes, even while its response is queued. */
  readonly socket?: SseNodeSocket | null;
}

/**
 * The parts of a Node connection that sse-rx uses (a `net.Socket`).
 * @public
 */
export interface SseNodeSocket {
  readonly destroyed: boolean;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
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
  writeHead(status: number, headers: Record<string, string | number | string[]>): unknown;
  flushHeaders?(): void;
  write(chunk: Uint8Array): boolean;
  /** Added by compression middleware: pushes out what zlib holds back. */
  flush?(): void;
  end(chunk: string): unknown;
  destroy(error?: Error): unknown;
  on(event: 'close' | 'drain' | 'error', listener: () => void): unknown;
  off(event: 'close' | 'drain' | 'error', listener: () => void): unknown;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  /** Bytes accepted by `write` and not yet handed to the kernel (the socket's or the HTTP/2 stream's included). */
  readonly writableLength?: number;
}
