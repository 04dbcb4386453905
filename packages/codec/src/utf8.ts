/**
 * Streaming UTF-8 decoding that is fast everywhere: each chunk is decoded in one non-streaming
 * `TextDecoder.decode` call (the fast path in Node, several times quicker than `{ stream: true }`),
 * and the bytes of a code point cut at the end of a chunk are held back for the next one. Since
 * the cut is always placed before the start of an incomplete sequence, the result is exactly the
 * WHATWG streaming decode of the whole input: invalid bytes become U+FFFD, BOMs are kept.
 */
export class Utf8ChunkDecoder {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private held: Uint8Array | undefined;

  /** Decodes the next chunk, holding back a trailing incomplete code point. */
  decode(chunk: Uint8Array): string {
    // A lone ASCII byte (a stream read byte by byte): skip the TextDecoder call, most of the cost.
    if (chunk.length === 1 && chunk[0]! < 0x80 && this.held === undefined) return String.fromCharCode(chunk[0]!);
    let bytes = chunk;
    if (this.held !== undefined) {
      bytes = new Uint8Array(this.held.length + chunk.length);
      bytes.set(this.held);
      bytes.set(chunk, this.held.length);
      this.held = undefined;
    }
    const cut = completeLength(bytes);
    if (cut < bytes.length) {
      this.held = bytes.slice(cut);
      bytes = bytes.subarray(0, cut);
    }
    return bytes.length === 0 ? '' : this.decoder.decode(bytes);
  }

  /** Ends the stream: held bytes (an incomplete code point) become U+FFFD. */
  flush(): string {
    const held = this.held;
    this.held = undefined;
    return held === undefined ? '' : this.decoder.decode(held);
  }
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
