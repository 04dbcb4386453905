import { Subscription, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { sseHeaders } from '../headers.js';
import type { SseNodeHeaders, SseNodeRequest, SseNodeResponse, SseNodeSocket } from '../nodeTypes.js';
import { type Admission, admit, isRefusal } from './admission.js';
import { Pump, type SinkConnection } from './pump.js';
import { checkHeadTimeout, type SseResponseConfig } from './responseConfig.js';
import { joinFrames, type TickBatched, writeAtTickEnd } from './tickBatch.js';

/**
 * Options of {@link sendEvents}.
 * @public
 */
export interface SendEventsConfig extends SseResponseConfig {
  /**
   * Extra response headers, added to (and able to override) those of {@link sseHeaders}, and sent
   * on error answers too (so CORS headers reach a browser that must read a 401). Takes Node's
   * header types, so Fastify's `reply.getHeaders()` (the headers its plugins set) fits as is.
   * @default {}
   */
  headers?: SseNodeHeaders;
}

/** HTTP/1 connections that carry a live stream: a second stream pipelined behind it is refused. */
const streaming = new WeakSet<SseNodeSocket>();

/**
 * Streams an Observable of messages as the response to a Node request: `http`, `https`, `http2`
 * (compatibility API), Express (`res`) and Fastify (`reply.raw`, after `reply.hijack()`).
 *
 * The head is held until the first message that is more than a comment or a `retry:` hint,
 * `STREAM_READY`, or `headTimeoutMs`, whichever comes first. An error from the source before
 * that (sync or async: an auth check in `defer`, say) is answered with its HTTP status (its
 * numeric `status` from 400 to 599, else 500) and the JSON body `{"status","code"?,"message"}`
 * (a 429 or 503 whose error carries a numeric `retryAfterMs` also gets `Retry-After`);
 * a later one with `event: error` and data `{"status","code"?,"message","retryable"}`, then the
 * end (see `mapError`; every error goes to `onError`). A message the codec refuses is skipped
 * and reported to `onError` as `SseInvalidMessageError`; the stream goes on.
 *
 * The client leaving unsubscribes from the source in the same tick: the response closing, or for
 * HTTP/1 the connection closing (also while the response waits behind a pipelined one). A second
 * stream pipelined on an HTTP/1 connection that already carries one could never be delivered:
 * the connection is closed and nothing is subscribed. A `HEAD` request gets the status and
 * headers and an end, an `OPTIONS` request a 204 with the extra `headers`; neither subscribes.
 * Source completion ends the response after every queued message is written. A full socket
 * queues messages until they and what Node still holds for the response (`res.writableLength`)
 * reach `backpressure.maxBufferBytes`, then applies the policy. Nothing but a misused option throws.
 * With a `registry` the stream counts toward its limits, metrics and shutdown. When the response
 * has a `flush` method (Express `compression` adds one) it is called after every write.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { interval, map } from 'rxjs';
 * import { sendEvents } from 'sse-rx-server';
 * createServer((req, res) => {
 *   sendEvents(req, res, interval(1000).pipe(map((n) => ({ event: 'tick', data: String(n) }))));
 * }).listen(3000);
 * // curl -N localhost:3000
 * // event: tick
 * // data: 0
 * ```
 * @param req - the request; its method, HTTP version and connection matter.
 * @param res - the response to stream into.
 * @param source$ - the messages to send; subscribed once, for this client.
 * @param config - status, extra headers, the head timeout, backpressure and errors; see {@link SendEventsConfig}.
 * @throws TypeError when `headTimeoutMs` is not from 0 to 2^31 - 1 (the only throw: a misuse).
 * @returns the subscription to the source: closed once the source completes or errors or the client
 *   leaves; unsubscribe it to stop streaming (the response then stays open until you end it).
 * @public
 */
export function sendEvents(
  req: SseNodeRequest,
  res: SseNodeResponse,
  source$: Observable<SseMessage>,
  config: SendEventsConfig = {},
): Subscription {
  checkHeadTimeout(config);
  // HTTP/1: the connection is this stream's own. HTTP/2 multiplexes streams on it.
  const socket = req.httpVersionMajor === 1 ? (req.socket ?? undefined) : undefined;
  // The client left before we started: there is nobody to stream to.
  if (res.destroyed || res.writableEnded || socket?.destroyed) return Subscription.EMPTY;
  const status = config.status ?? 200;
  const extra = lowerCased(config.headers);
  // A HEAD gets what a GET would before its first event, an OPTIONS a bare 204: neither a stream.
  if (req.method === 'HEAD' || req.method === 'OPTIONS') {
    if (req.method === 'HEAD') answer(res, status, { ...sseHeaders(req.httpVersionMajor), ...extra });
    else answer(res, 204, extra);
    return Subscription.EMPTY;
  }
  if (socket && streaming.has(socket)) {
    // Node would queue it behind the live stream forever and stop reading the connection, so
    // that neither would see the client leave.
    socket.destroy();
    return Subscription.EMPTY;
  }
  const admission = config.registry ? admit(config.registry, req) : undefined;
  if (admission && isRefusal(admission)) {
    answer(res, admission.status, admission.headers, admission.body);
    return Subscription.EMPTY;
  }
  const connection = new NodeConnection(req, res, socket, status, extra, admission);
  connection.start(source$, config);
  return connection.pump!.subscription;
}

/** Writes a whole answer that is not a stream. */
function answer(res: SseNodeResponse, code: number, headers: Record<string, string | number | string[]>, body = '') {
  try {
    res.writeHead(code, headers);
    res.end(body);
  } catch {
    // Headers already sent or invalid: the caller must not crash.
    res.destroy();
  }
}

/** Node's default `highWaterMark` before Node 22, for a response that does not say its own. */
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;

/**
 * One stream's Node response as the pump's connection, and its listeners. A class, not closures:
 * one is kept per open stream, and its methods live once on the prototype.
 *
 * The frames written in one tick go to the response as one write at the end of the tick (see
 * {@link writeAtTickEnd}): one HTTP/1 chunk and one write callback for a burst, where a write per
 * frame costs Node a chunk header, four socket buffers and a callback each.
 */
class NodeConnection implements SinkConnection, TickBatched {
  pump: Pump | undefined;
  // Compression middleware (it adds `flush`) drops write callbacks.
  readonly callsOnFlushed: boolean;
  // The frames of this tick, written at its end, and their size.
  private batch: Uint8Array[] | undefined;
  private batchBytes = 0;
  private onFlushed: ((error?: unknown) => void) | undefined;
  // `write` said "full" for the batch: a write Node took after all must still wake the queue.
  private batchFull = false;
  // What Node's `writableLength` may reach before its `write` says "full" (read once: it does not change).
  private readonly highWaterMark: number;
  /** The client left (or the response failed): stop the source in this same tick. */
  private readonly detach = () => {
    const { res, socket } = this;
    this.pump?.subscription.unsubscribe();
    res.off('close', this.detach);
    res.off('error', this.detach);
    res.off('drain', this.onDrain);
    socket?.off('close', this.detach);
    if (socket) streaming.delete(socket);
    this.admission?.release();
  };
  private readonly onDrain = () => this.pump?.drain();

  constructor(
    private readonly req: SseNodeRequest,
    private readonly res: SseNodeResponse,
    private readonly socket: SseNodeSocket | undefined,
    private readonly status: number,
    private readonly extra: Record<string, string | number | string[]>,
    private readonly admission: Admission | undefined,
  ) {
    this.callsOnFlushed = !res.flush;
    this.highWaterMark = res.writableHighWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  }

  /** Listens to the response (and the HTTP/1 connection), then runs the pump. */
  start(source$: Observable<SseMessage>, config: SendEventsConfig): void {
    const { res, socket } = this;
    res.on('close', this.detach);
    res.on('error', this.detach);
    res.on('drain', this.onDrain);
    if (socket) {
      // A response queued behind a pipelined one gets no `close` of its own: its connection's says it.
      if (!res.socket) socket.on('close', this.detach);
      streaming.add(socket);
    }
    this.pump = new Pump(source$, this, config, this.req, this.admission);
    this.admission?.attach({ pump: this.pump, destroy: () => this.res.destroy() });
  }

  get writableLength(): number {
    return (this.res.writableLength ?? 0) + this.batchBytes;
  }

  open(): void {
    try {
      this.res.writeHead(this.status, { ...sseHeaders(this.req.httpVersionMajor), ...this.extra });
      this.res.flushHeaders?.();
    } catch {
      // Invalid extra headers: the stream cannot start, but the caller must not crash.
      this.res.destroy();
    }
  }

  /** Adds the frame to this tick's batch; false once the batch and what Node holds reach Node's `highWaterMark`. */
  write(frame: Uint8Array, onFlushed?: (error?: unknown) => void): boolean {
    if (this.batch === undefined) {
      this.batch = [frame];
      writeAtTickEnd(this);
    } else this.batch.push(frame);
    this.batchBytes += frame.byteLength;
    this.onFlushed = onFlushed;
    const { res } = this;
    this.batchFull = (res.writableLength ?? 0) + this.batchBytes >= this.highWaterMark;
    return !this.batchFull;
  }

  /** Writes this tick's frames as one chunk. */
  writeBatch(): void {
    if (this.batch === undefined) return;
    const more = this.writeFrames();
    // Node took the batch without saying "full" where `write` did: no `drain` will come.
    if (more && this.batchFull) {
      this.batchFull = false;
      this.pump?.drain();
    }
  }

  end(): void {
    this.writeFrames();
    if (this.socket) streaming.delete(this.socket);
    this.res.end('');
  }

  // Destroy without an error: an http2 stream would re-emit it where nobody listens.
  abort(): void {
    this.batch = undefined;
    this.admission?.slowClient();
    this.res.destroy();
  }

  // Writes the batch (if any) and forgets it; false when Node says the connection is full.
  private writeFrames(): boolean {
    const { batch, res, onFlushed } = this;
    if (batch === undefined) return true;
    this.batch = this.onFlushed = undefined;
    const chunk = joinFrames(batch, this.batchBytes);
    this.batchBytes = 0;
    const more = onFlushed && !res.flush ? res.write(chunk, onFlushed) : res.write(chunk);
    // Compression middleware would hold the events in zlib's buffer until it fills up.
    res.flush?.();
    return more;
  }

  reject(errorStatus: number, body: string, headers: Record<string, string>): void {
    if (this.socket) streaming.delete(this.socket);
    answer(this.res, errorStatus, { ...this.extra, ...headers }, body);
  }
}

/** The headers with lower-case names (so they override ours), without `undefined` values. */
function lowerCased(headers: SseNodeHeaders | undefined): Record<string, string | number | string[]> {
  const result: Record<string, string | number | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}
