/**
 * An incremental decoder for `text/event-stream`, following the WHATWG HTML Standard,
 * "9.2.6 Interpreting an event stream":
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
import { SseProtocolError } from './errors.js';
import type { SseDecoderConfig } from './types.js';
import { Utf8ChunkDecoder } from './utf8.js';

const LF = 10;
const SPACE = 32;
const COLON = 58;
const BOM = '\uFEFF';
const DEFAULT_MAX_EVENT_SIZE = 8 * 1024 * 1024;
const ASCII_DIGITS = /^[0-9]+$/;
/**
 * Pieces of a partial line are joined into one string once this many have arrived, so that a long
 * line fed in tiny chunks costs about its own size instead of one string and array slot per piece.
 */
const PIECES_PER_JOIN = 256;

/**
 * Turns chunks of an event stream (bytes or text, split anywhere) into events.
 *
 * Follows the spec to the letter: UTF-8 decoding that survives code points split across chunks
 * (invalid bytes become U+FFFD), one leading BOM stripped, CR, LF and CRLF line ends (a CRLF split
 * across chunks counts once), comments, one leading space removed from values, `data` lines joined
 * with LF, `id` persisting across events (ignored when it holds NUL), `retry` only when all ASCII
 * digits, and an event left unterminated at the end of the stream dropped. Bad input never throws.
 *
 * @example
 * ```ts
 * import { SseDecoder } from 'sse-rx-codec';
 * const decoder = new SseDecoder({ onEvent: (e) => console.log(e) });
 * decoder.feed('event: tick\nid: 1\nda');
 * decoder.feed(new TextEncoder().encode('ta: 42\n\n'));
 * // { type: 'tick', data: '42', lastEventId: '1' }
 * ```
 * @public
 */
export class SseDecoder {
  /** The last event id seen so far: what a reconnecting client sends as `Last-Event-ID`. */
  lastEventId!: string;

  readonly #options: SseDecoderConfig;
  readonly #maxEventSize: number;
  #utf8!: Utf8ChunkDecoder;
  #started!: boolean;
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to it. */
  #skipLeadingLF!: boolean;
  /** Pieces of a line whose end has not arrived yet. */
  #pendingParts!: string[];
  /** How many of the first `pendingParts` are already joined blocks of PIECES_PER_JOIN pieces. */
  #pendingBlocks!: number;
  #pendingSize!: number;
  /** Skipping the rest of an event that went past `maxEventSize`. */
  #discarding!: boolean;
  /** Skipping the rest of a line that is not needed (oversized, or inside a dropped event). */
  #skippingLine!: boolean;
  #data!: string;
  #hasData!: boolean;
  #eventType!: string;
  #idBuffer!: string;

  /** @param options - callbacks and limits, see {@link SseDecoderConfig}. */
  constructor(options: SseDecoderConfig = {}) {
    this.#options = options;
    this.#maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    this.reset();
  }

  /**
   * Feeds the next chunk of the stream. Bytes are decoded as UTF-8 with state kept across calls.
   * @param chunk - bytes or already-decoded text, of any size (empty is fine).
   */
  feed(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#utf8.decode(chunk);
    if (text.length > 0) this.#feedText(text);
  }

  /**
   * Ends the stream: flushes an incomplete UTF-8 sequence and, as the spec says, drops an event
   * that no blank line terminated. The decoder is then ready for a new stream (with the same
   * last event id, as a reconnecting client keeps it).
   */
  end(): void {
    const rest = this.#utf8.flush();
    if (rest.length > 0) this.#feedText(rest);
    this.#startNewStream();
  }

  /** Forgets everything, the last event id included (set back to the constructor's `lastEventId`). */
  reset(): void {
    this.#startNewStream();
    this.lastEventId = this.#idBuffer = this.#options.lastEventId ?? '';
  }

  /** Sets the state of one stream to its start, the last event id aside. */
  #startNewStream(): void {
    this.#utf8 = new Utf8ChunkDecoder();
    this.#started = false;
    this.#skipLeadingLF = false;
    this.#pendingParts = [];
    this.#pendingBlocks = 0;
    this.#pendingSize = 0;
    this.#discarding = false;
    this.#skippingLine = false;
    this.#data = '';
    this.#hasData = false;
    this.#eventType = '';
  }

  #feedText(text: string): void {
    let position = 0;
    const length = text.length;
    if (!this.#started) {
      this.#started = true;
      // "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
      if (text.startsWith(BOM)) position = 1;
    }
    if (this.#skipLeadingLF) {
      this.#skipLeadingLF = false;
      if (text.charCodeAt(position) === LF) position++;
    }
    // Positions of the next LF and CR, searched again only once passed: one scan of the text for each.
    let nextLF = -1;
    let nextCR = -1;
    while (position < length) {
      if (nextLF < position) nextLF = indexOrEnd(text, '\n', position);
      if (nextCR < position) nextCR = indexOrEnd(text, '\r', position);
      // biome-ignore lint/complexity/useMathMinMax: the line loop is kept as measured in the A/B runs
      const lineEnd = nextLF < nextCR ? nextLF : nextCR;
      if (lineEnd === length) {
        this.#keepPartialLine(text.slice(position));
        return;
      }
      if (this.#skippingLine) {
        // The end of a line that keepPartialLine chose to skip.
        this.#skippingLine = false;
      } else if (this.#pendingParts.length > 0) {
        this.#pendingParts.push(text.slice(position, lineEnd));
        const line = this.#pendingParts.join('');
        this.#pendingParts = [];
        this.#pendingBlocks = 0;
        this.#pendingSize = 0;
        this.#processLine(line, 0, line.length);
      } else if (lineEnd === position) this.#blankLine();
      else if (
        !this.#hasData &&
        lineEnd === nextLF &&
        text.charCodeAt(lineEnd + 1) === LF &&
        isData(text, position) &&
        !this.#discarding &&
        lineEnd - position <= this.#maxEventSize
      ) {
        // The common event, one `data:` line and the blank line after it, in one step.
        this.lastEventId = this.#idBuffer;
        this.#emit(text.slice(valueStart(text, position + 5), lineEnd));
        position = lineEnd + 2;
        continue;
      } else this.#processLine(text, position, lineEnd);
      position = lineEnd + 1;
      // "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF)
      // character pair, a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE
      // RETURN (CR) character."
      if (lineEnd === nextCR) {
        if (position === length) this.#skipLeadingLF = true;
        else if (text.charCodeAt(position) === LF) position++;
      }
    }
  }

  #keepPartialLine(part: string): void {
    if (this.#skippingLine) return;
    if (this.#discarding) {
      // A non-blank line inside a dropped event: nothing of it is needed.
      this.#skippingLine = true;
      return;
    }
    this.#pendingSize += part.length;
    if (this.#pendingSize + this.#data.length > this.#maxEventSize) {
      this.#startDiscarding(this.#pendingParts[0] ?? part);
      this.#skippingLine = true;
      return;
    }
    this.#pendingParts.push(part);
    if (this.#pendingParts.length - this.#pendingBlocks === PIECES_PER_JOIN) {
      this.#pendingParts.push(this.#pendingParts.splice(this.#pendingBlocks).join(''));
      this.#pendingBlocks++;
    }
  }

  #startDiscarding(line: string): void {
    this.#discarding = true;
    this.#pendingParts = [];
    this.#pendingBlocks = 0;
    this.#pendingSize = 0;
    this.#data = '';
    this.#hasData = false;
    this.#options.onError?.(
      new SseProtocolError(
        'max-size-exceeded',
        `Event dropped: past maxEventSize (${this.#maxEventSize} characters); raise it if such events are expected`,
        { line },
      ),
    );
  }

  /** Processes the non-blank line `text[start, end)` in place. */
  #processLine(text: string, start: number, end: number): void {
    if (this.#discarding) return;
    if (end - start + this.#data.length > this.#maxEventSize) {
      this.#startDiscarding(text.slice(start, end));
      return;
    }
    // The common fields are recognised in place, only their value sliced out.
    if (isData(text, start)) this.#appendData(text.slice(valueStart(text, start + 5), end));
    else if (isId(text, start)) this.#setId(text.slice(valueStart(text, start + 3), end));
    else if (isEvent(text, start)) this.#eventType = text.slice(valueStart(text, start + 6), end);
    else this.#processOtherLine(text.slice(start, end));
  }

  /** A comment, or a line of another field than `data:`, `id:` and `event:` (kept apart: rare, and it keeps processLine small). */
  #processOtherLine(line: string): void {
    const colon = line.indexOf(':');
    // "If the line starts with a U+003A COLON character (:): Ignore the line." (we report it)
    if (colon === 0) this.#options.onComment?.(line.slice(valueStart(line, 1)));
    // "Otherwise, the string is not empty but does not contain a U+003A COLON character (:):
    // Process the field using the whole line as the field name, and the empty string as the field value."
    else if (colon === -1) this.#processField(line, '');
    else this.#processField(line.slice(0, colon), line.slice(valueStart(line, colon + 1)));
  }

  #processField(field: string, value: string): void {
    if (field === 'retry') {
      // "If the field value consists of only ASCII digits, then interpret the field value as an
      // integer in base ten, and set the event stream's reconnection time to that integer.
      // Otherwise, ignore the field."
      if (ASCII_DIGITS.test(value)) this.#options.onRetry?.(Number(value));
      else
        this.#options.onError?.(
          new SseProtocolError('invalid-retry', `Ignored retry "${value}": not ASCII digits`, {
            field,
            line: `${field}:${value}`,
          }),
        );
    }
    // A field name alone (processLine takes `data:`, `id:` and `event:` with their colon).
    else if (field === 'data') this.#appendData(value);
    else if (field === 'event') this.#eventType = value;
    else if (field === 'id') this.#setId(value);
    // "Otherwise: The field is ignored."
  }

  #setId(value: string): void {
    // "If the field value does not contain U+0000 NULL, then set the last event ID buffer to
    // the field value. Otherwise, ignore the field."
    if (!value.includes('\0')) this.#idBuffer = value;
  }

  /**
   * "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF)
   * character to the data buffer." Kept without the trailing LF (`hasData` says the buffer is
   * not empty), which is what dispatch would remove anyway.
   */
  #appendData(value: string): void {
    if (this.#hasData) this.#data += '\n' + value;
    else {
      this.#data = value;
      this.#hasData = true;
    }
  }

  /** "If the line is empty (a blank line): Dispatch the event." */
  #blankLine(): void {
    if (this.#discarding) {
      this.#discarding = false;
      this.#eventType = '';
      return;
    }
    // "Set the last event ID string of the event source to the value of the last event ID buffer."
    this.lastEventId = this.#idBuffer;
    // "If the data buffer is an empty string, set the data buffer and the event type buffer to the
    // empty string and return."
    if (!this.#hasData) {
      this.#eventType = '';
      return;
    }
    // "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the
    // last character from the data buffer." (`data` is kept without it: see appendData.)
    const data = this.#data;
    this.#data = '';
    this.#hasData = false;
    this.#emit(data);
  }

  /** Dispatches an event with `data`, the type buffered and the last event id, and resets the type. */
  #emit(data: string): void {
    const type = this.#eventType.length > 0 ? this.#eventType : 'message';
    this.#eventType = '';
    this.#options.onEvent?.({ type, data, lastEventId: this.lastEventId });
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index === -1 ? text.length : index;
}

/**
 * "If value starts with a U+0020 SPACE character, remove it from value": where the value that may
 * start at `at` (just after the colon) starts.
 */
const valueStart = (text: string, at: number): number => (text.charCodeAt(at) === SPACE ? at + 1 : at);

// The common field names with their colon, compared code by code in place: for a few characters this
// is several times cheaper than `startsWith` (a builtin call per line, measured on Node 20).
/** `data:` at `at`. */
const isData = (text: string, at: number): boolean =>
  text.charCodeAt(at) === 100 &&
  text.charCodeAt(at + 1) === 97 &&
  text.charCodeAt(at + 2) === 116 &&
  text.charCodeAt(at + 3) === 97 &&
  text.charCodeAt(at + 4) === COLON;
/** `id:` at `at`. */
const isId = (text: string, at: number): boolean =>
  text.charCodeAt(at) === 105 && text.charCodeAt(at + 1) === 100 && text.charCodeAt(at + 2) === COLON;
/** `event:` at `at`. */
const isEvent = (text: string, at: number): boolean =>
  text.charCodeAt(at) === 101 &&
  text.charCodeAt(at + 1) === 118 &&
  text.charCodeAt(at + 2) === 101 &&
  text.charCodeAt(at + 3) === 110 &&
  text.charCodeAt(at + 4) === 116 &&
  text.charCodeAt(at + 5) === COLON;
