/**
 * Streaming UTF-8 decoding that is fast on any text: each chunk is decoded in one non-streaming
 * `TextDecoder` call, and the bytes of a code point cut at the end of a chunk are held back for the
 * next one. Since the cut is always placed before the start of an incomplete sequence, the result is
 * exactly the WHATWG streaming decode of the whole input: invalid bytes become U+FFFD, BOMs are kept.
 *
 * Two decoders, because Node has two UTF-8 paths with opposite strengths (measured on Node 20, 64 KiB
 * chunks): a fresh decoder's non-streaming call takes V8's UTF-8 path, about 13 GB/s on ASCII but
 * 0.5-1 GB/s once a chunk holds any other character (a CJK chunk: 0.55 GB/s); a decoder that has been
 * used in streaming mode always takes the ICU converter, about 1.1-1.5 GB/s on any text. A chunk goes
 * to the one that suits the text the previous chunk held: streams are mostly one or the other. Both
 * give the same text, so a wrong guess costs only time. Elsewhere (browsers, Deno, Bun) both are
 * plain `TextDecoder`s.
 */
export class Utf8ChunkDecoder {
  /** Used only for chunks expected to be ASCII (Node's V8 path). */
  #asciiDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Used for other text: put in streaming mode once, which sends every later call through ICU in Node. */
  #textDecoder = streamingModeDecoder();
  /** The previous chunk decoded to one code unit per byte (ASCII, as far as speed is concerned). */
  #asciiSoFar = true;
  #held: Uint8Array | undefined;
  #scratch = new Uint8Array(0);

  /** Decodes the next chunk, holding back a trailing incomplete code point. */
  decode(chunk: Uint8Array): string {
    // A few ASCII bytes (a stream read in tiny pieces): skip the TextDecoder call, most of the cost.
    if (chunk.length <= MAX_TINY && this.#held === undefined && isAscii(chunk)) return asciiText(chunk);
    let bytes = chunk;
    if (this.#held !== undefined) {
      bytes = this.#joinHeld(this.#held, chunk);
      this.#held = undefined;
    }
    const cut = completeLength(bytes);
    if (cut < bytes.length) {
      this.#held = bytes.slice(cut);
      bytes = bytes.subarray(0, cut);
    }
    if (bytes.length === 0) return '';
    const text = this.#asciiSoFar ? this.#asciiDecoder.decode(bytes) : this.#textDecoder.decode(bytes);
    this.#asciiSoFar = text.length === bytes.length;
    return text;
  }

  /**
   * `held` followed by `chunk`, in a buffer reused from chunk to chunk up to MAX_SCRATCH bytes: a
   * fresh buffer per chunk (or decoding the two parts apart and joining the strings) costs more than
   * decoding the chunk.
   */
  #joinHeld(held: Uint8Array, chunk: Uint8Array): Uint8Array {
    const length = held.length + chunk.length;
    let buffer = this.#scratch;
    if (buffer.length < length) {
      buffer = new Uint8Array(length);
      if (length <= MAX_SCRATCH) this.#scratch = buffer;
    }
    buffer.set(held);
    buffer.set(chunk, held.length);
    return buffer.subarray(0, length);
  }

  /** Ends the stream: held bytes (an incomplete code point) become U+FFFD. */
  flush(): string {
    const held = this.#held;
    this.#held = undefined;
    return held === undefined ? '' : this.#textDecoder.decode(held);
  }
}

/** The longest chunk checked for ASCII to decode it without a TextDecoder call. */
const MAX_TINY = 16;

/**
 * The text of a few ASCII bytes, four characters per `String.fromCharCode` call with its arguments
 * written out: several times cheaper than `String.fromCharCode.apply` over a typed array.
 */
function asciiText(bytes: Uint8Array): string {
  let text = '';
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4)
    text += String.fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!);
  const rest = bytes.length - i;
  if (rest === 3) text += String.fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!);
  else if (rest === 2) text += String.fromCharCode(bytes[i]!, bytes[i + 1]!);
  else if (rest === 1) text += String.fromCharCode(bytes[i]!);
  return text;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** The largest buffer kept between chunks to join held bytes with the next chunk. */
const MAX_SCRATCH = 1024 * 1024;

/**
 * A decoder whose non-streaming calls decode each input on its own (no state is carried) through
 * the streaming converter: one empty streaming call turns Node's V8 fast path off for good.
 */
function streamingModeDecoder(): TextDecoder {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  decoder.decode(new Uint8Array(0), { stream: true });
  return decoder;
}

/** The length of `bytes` without a trailing lead byte whose continuation bytes have not all arrived. */
function completeLength(bytes: Uint8Array): number {
  const length = bytes.length;
  // A code point is at most 4 bytes: its lead byte is among the last 3 if it is incomplete.
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return back < needed ? length - back : length;
  }
  return length;
}
