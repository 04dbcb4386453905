import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { Admission } from './admission.js';
import type { SseRequest } from '../readLastEventId.js';
import { Pump, type PumpConfig, type SinkConnection, type SseSinkConfig } from './pump.js';

/**
 * Turns an Observable of messages into the bytes of an event stream, as a Web `ReadableStream`
 * (Hono, Bun, Deno, Next.js route handlers, Cloudflare Workers, Node's `fetch` world).
 *
 * The source is subscribed when the stream starts and unsubscribed when the reader cancels it
 * (a client disconnect). The messages of one tick reach the reader as one chunk at the end of the
 * tick; while it does not read, encoded messages wait in a queue bounded by
 * `backpressure.maxBufferBytes` (the one chunk the stream itself holds included), then the policy
 * applies (`'close'` errors the stream with `SseSlowClientError`); when it reads again, what waited
 * comes joined, in chunks of at most 64 KiB. Completion closes the stream; a
 * source error sends an `event: error` message (data `{"status","code"?,"message","retryable"}`,
 * see `mapError`) and then closes it; a message the codec refuses is skipped and reported to
 * `onError`. There is no response head here to hold: bytes flow at once, so an error is always
 * an `event: error`; use `toResponse` (or `sendEvents`) for a real HTTP status.
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { toReadableStream } from 'sse-rx-server';
 * const body = toReadableStream(of({ event: 'hello', data: 'world' }));
 * console.log(await new Response(body).text());
 * // 'event: hello\ndata: world\n\n'
 * ```
 * @param source$ - the messages to send; subscribed once per stream.
 * @param config - backpressure and error mapping; see {@link SseSinkConfig}.
 * @returns a byte stream of UTF-8 encoded `text/event-stream`.
 * @public
 */
export function toReadableStream(
  source$: Observable<SseMessage>,
  config: SseSinkConfig = {},
): ReadableStream<Uint8Array> {
  return eventStream(source$, config);
}

/** What a Web response adds to a bare event stream: a head to hold, and its request. */
export interface ResponseHead {
  /** Sends the head; may be called again (when the client left after it), and must then do nothing. */
  open(): void;
  reject(status: number, body: string, headers: Record<string, string>): void;
  request?: SseRequest | undefined;
  /** Aborted when the client is gone (a Web request's `signal`). */
  signal?: AbortSignal | undefined;
}

/**
 * The stream behind {@link toReadableStream}. With `head`, the pump holds frames until
 * `head.open` and answers an early error through `head.reject` (the stream is then closed).
 * `admission` is a registry's hold on the stream, released when it closes, errors or is cancelled.
 *
 * When `head.signal` aborts (the client left), the source is unsubscribed and the stream closed at
 * once, and a held head is let go (`head.open`, so the response's promise settles): a runtime
 * cancels the stream itself when a client leaves, but only once it has the `Response`, which it
 * does not while the head is held (Bun and Deno alike, until `headTimeoutMs`).
 */
export function eventStream(
  source$: Observable<SseMessage>,
  config: PumpConfig,
  head?: ResponseHead,
  admission?: Admission,
): ReadableStream<Uint8Array> {
  let running: Pump | undefined;
  let lastChunkBytes = 0;
  // Closed, errored or cancelled: a chunk due at the end of the tick has nowhere to go.
  let closed = false;
  const signal = head?.signal;
  // The client left: stop the source, end the stream and let a held head go.
  let leave: (() => void) | undefined;
  // Nothing more goes to the stream, and the client's leaving no longer matters.
  const detach = () => {
    closed = true;
    if (leave) signal!.removeEventListener('abort', leave);
  };
  const close = () => {
    detach();
    admission?.release();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        running = new Pump(
          source$,
          {
            ...(head && {
              open: head.open,
              reject: (status: number, body: string, headers: Record<string, string>) => {
                close();
                head.reject(status, body, headers);
                controller.close();
              },
            }),
            // The queue hands on the frames of a tick, and what waited for a read, joined.
            joinsFrames: true,
            write(chunk) {
              if (closed) return false;
              controller.enqueue(chunk);
              lastChunkBytes = chunk.byteLength;
              return (controller.desiredSize ?? 0) > 0;
            },
            // The stream holds at most the chunk written last (highWaterMark 1), until it is read.
            get writableLength() {
              return (controller.desiredSize ?? 0) > 0 ? 0 : lastChunkBytes;
            },
            end: () => {
              close();
              controller.close();
            },
            abort: (reason) => {
              admission?.slowClient();
              close();
              controller.error(reason);
            },
          } satisfies SinkConnection,
          config,
          head?.request,
          admission,
        );
        admission?.attach({
          pump: running,
          destroy: (reason) => {
            detach();
            running!.subscription.unsubscribe();
            controller.error(reason);
          },
        });
        if (!signal || closed) return;
        leave = () => {
          if (closed) return;
          close();
          running!.subscription.unsubscribe();
          controller.close();
          head!.open();
        };
        if (signal.aborted) leave();
        else signal.addEventListener('abort', leave);
      },
      pull() {
        running?.drain();
      },
      cancel() {
        close();
        running?.subscription.unsubscribe();
      },
    },
    // One chunk in the stream's own queue; the rest waits in the bounded write queue.
    { highWaterMark: 1 },
  );
}
