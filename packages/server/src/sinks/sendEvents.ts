import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { Subscription, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { admit, isRefusal } from './admission.js';
import { sseHeaders } from '../headers.js';
import type { StreamRegistry } from '../streamRegistryTypes.js';
import { httpStatusOf } from './httpStatusOf.js';
import { pump, type SseSinkConfig } from './pump.js';

/**
 * Options of {@link sendEvents}.
 * @public
 */
export interface SendEventsConfig extends SseSinkConfig {
  /**
   * The response status.
   * @default 200
   */
  status?: number;
  /**
   * Extra response headers, added to (and able to override) those of {@link sseHeaders}.
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * Tracks this stream for limits, metrics and graceful shutdown; a stream the registry refuses
   * is answered with its status (429 or 503) and `Retry-After`, and the source is not subscribed.
   * @default undefined (not tracked)
   */
  registry?: StreamRegistry;
}

/** The members of `ServerResponse` and `Http2ServerResponse` that sendEvents uses. */
interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders?: () => void;
  write(chunk: Uint8Array): boolean;
  /** Added by compression middleware: pushes out what zlib holds back. */
  flush?: () => void;
  end(chunk?: string): unknown;
  destroy(error?: Error): unknown;
  on(event: 'close' | 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
  off(event: 'close' | 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  /** Bytes accepted by `write` and not yet handed to the kernel (the socket's or the HTTP/2 stream's included). */
  readonly writableLength?: number;
}

/**
 * Streams an Observable of messages as the response to a Node request: `http`, `https`, `http2`
 * (compatibility API), Express (`res`) and Fastify (`reply.raw`).
 *
 * Status and headers go out at once, so the client sees the stream open before the first event.
 * An error the source raises while it is being subscribed (before anything was sent: an auth
 * check in `defer`, say) that carries a numeric `status` from 400 to 599 becomes that HTTP status,
 * with the `mapError` data as a JSON body; any later error is an `event: error` message.
 * When the client goes away (the response emits `close`) the source is unsubscribed in the same
 * tick. Source completion ends the response after every queued message is written; a source
 * error (or a message the codec refuses) sends an `event: error` message (see `mapError`) and
 * ends it. A full socket queues messages until they and what Node still holds for the response
 * (`res.writableLength`) reach `backpressure.maxBufferBytes`, then applies the policy. Nothing is ever thrown out of it. With a `registry` the stream counts toward its limits,
 * metrics and shutdown. When the response has a `flush` method (Express `compression` adds one)
 * it is called after every write, so a compressed event is not held back.
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
 * @param req - the request; its HTTP version decides the `connection` header.
 * @param res - the response to stream into.
 * @param source$ - the messages to send; subscribed once, for this client.
 * @param config - status, extra headers, backpressure and error mapping; see {@link SendEventsConfig}.
 * @returns the subscription to the source: closed once the source completes or errors or the client
 *   leaves; unsubscribe it to stop streaming (the response then stays open until you end it).
 * @public
 */
export function sendEvents(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  source$: Observable<SseMessage>,
  config: SendEventsConfig = {},
): Subscription {
  const response = res as unknown as NodeResponse;
  // The client left before we started: there is nobody to stream to.
  if (response.destroyed || response.writableEnded) return Subscription.EMPTY;
  const admission = config.registry ? admit(config.registry, req) : undefined;
  if (admission && isRefusal(admission)) {
    response.writeHead(admission.status, admission.headers);
    response.end(admission.body);
    return Subscription.EMPTY;
  }
  const onDrain = () => running.drain();
  // The client left (or the response failed): stop the source in this same tick.
  const detach = () => {
    running.subscription.unsubscribe();
    response.off('close', detach);
    response.off('error', detach);
    response.off('drain', onDrain);
    admission?.release();
  };
  let headWritten = false;
  const writeHead = (status: number, headers: Record<string, string>) => {
    if (headWritten) return;
    headWritten = true;
    try {
      response.writeHead(status, headers);
      response.flushHeaders?.();
    } catch {
      // Headers already sent or invalid: the stream cannot start, but the caller must not crash.
      response.destroy();
    }
  };
  // Checked before the headers object is built: every write calls this.
  const startStream = () => {
    if (!headWritten) writeHead(config.status ?? 200, { ...sseHeaders(req.httpVersionMajor), ...config.headers });
  };
  response.on('close', detach);
  response.on('error', detach);
  response.on('drain', onDrain);
  const running = pump(
    source$,
    {
      write: (frame) => {
        startStream();
        const more = response.write(frame);
        // Compression middleware would hold the event in zlib's buffer until it fills up.
        response.flush?.();
        return more;
      },
      get writableLength() {
        return response.writableLength ?? 0;
      },
      end: () => (startStream(), response.end()),
      // Destroy without an error: an http2 stream would re-emit it where nobody listens.
      abort: () => (admission?.slowClient(), response.destroy()),
      reject: (error, data) => {
        const status = httpStatusOf(error);
        if (headWritten || status === undefined) return false;
        writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(data ?? '');
        return true;
      },
    },
    config,
  );
  // Messages and errors the source produced while subscribing went out above; now open the stream.
  startStream();
  admission?.attach({ pump: running, destroy: () => response.destroy() });
  return running.subscription;
}
