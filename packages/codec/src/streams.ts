import { SseDecoder } from './decoder.js';
import { encode } from './encoder.js';
import type { SseProtocolError } from './errors.js';
import type { SseDecoderConfig, SseEvent, SseMessage } from './types.js';

/**
 * Options of {@link SseDecoderStream}: the decoder's, with `onError` either a handler or
 * `'terminate'` (the default), which errors the stream on `max-size-exceeded` and skips
 * `invalid-retry` as browsers do.
 * @public
 */
export interface SseDecoderStreamConfig extends Omit<SseDecoderConfig, 'onEvent' | 'onError'> {
  /** @defaultValue `'terminate'` */
  onError?: 'terminate' | ((error: SseProtocolError) => void);
}

// Defined in a call marked pure: a class that extends a global is otherwise kept by bundlers even
// when unused (evaluating `extends` could throw), and with it the encoder. Same for SseEncoderStream.
/**
 * A `TransformStream` from the bytes (or text) of an event stream to its events, for `fetch` bodies.
 * The stream's end drops an unterminated event, as the spec says.
 *
 * @example
 * ```ts
 * import { SseDecoderStream } from 'sse-rx-codec';
 * const response = await fetch('https://example.com/events');
 * for await (const event of response.body!.pipeThrough(new SseDecoderStream())) console.log(event.data);
 * ```
 * @public
 */
export const SseDecoderStream = /* @__PURE__ */ (() =>
  class SseDecoderStream extends TransformStream<Uint8Array | string, SseEvent> {
    /** @param options - callbacks and limits; see {@link SseDecoderStreamConfig}. */
    constructor(options: SseDecoderStreamConfig = {}) {
      let decoder!: SseDecoder;
      super({
        start(controller) {
          const { onError = 'terminate', ...rest } = options;
          decoder = new SseDecoder({
            ...rest,
            onEvent: (event) => controller.enqueue(event),
            onError:
              onError === 'terminate'
                ? (error) => {
                    if (error.type === 'max-size-exceeded') controller.error(error);
                  }
                : onError,
          });
        },
        transform(chunk) {
          decoder.feed(chunk);
        },
        flush() {
          decoder.end();
        },
      });
    }
  })();
/** An {@link SseDecoderStream} instance. @public */
export type SseDecoderStream = InstanceType<typeof SseDecoderStream>;

/**
 * A `TransformStream` from messages to the UTF-8 bytes of an event stream, each message encoded
 * by {@link encode} (a malformed message errors the stream with its `TypeError`).
 *
 * @example
 * ```ts
 * import { SseEncoderStream } from 'sse-rx-codec';
 * const body = ReadableStream.from([{ data: 'hello' }]).pipeThrough(new SseEncoderStream());
 * new Response(body, { headers: { 'content-type': 'text/event-stream' } });
 * // body: 'data: hello\n\n'
 * ```
 * @public
 */
export const SseEncoderStream = /* @__PURE__ */ (() =>
  class SseEncoderStream extends TransformStream<SseMessage, Uint8Array> {
    constructor() {
      const utf8 = new TextEncoder();
      super({
        transform(message, controller) {
          controller.enqueue(utf8.encode(encode(message)));
        },
      });
    }
  })();
/** An {@link SseEncoderStream} instance. @public */
export type SseEncoderStream = InstanceType<typeof SseEncoderStream>;
