import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8ChunkDecoder } from '../src/utf8.js';
import { cutAt } from './helpers.js';

/** Cut points inside a byte array, sorted and unique. */
const cutsOf = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 10 }).map((cuts) => cuts.sort((a, b) => a - b));

describe('Utf8ChunkDecoder', () => {
  it('decodes any bytes cut anywhere exactly as a streaming TextDecoder does', () => {
    const bytes = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(
        bytes.chain((list) => {
          const array = Uint8Array.from(list);
          return fc.tuple(
            fc.constant(array),
            fc
              .uniqueArray(fc.integer({ min: 0, max: array.length }), { maxLength: 10 })
              .map((c) => c.sort((a, b) => a - b)),
          );
        }),
        ([array, cuts]) => {
          const ours = new Utf8ChunkDecoder();
          const reference = new TextDecoder('utf-8', { ignoreBOM: true });
          let got = '';
          let want = '';
          for (const part of cutAt(array, cuts)) {
            got += ours.decode(part);
            want += reference.decode(part, { stream: true });
          }
          expect(got + ours.flush()).toBe(want + reference.decode());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decodes text that goes from ASCII to other characters and back exactly, however it is cut', () => {
    // Each chunk picks its decoder from the text of the one before: stretches of ASCII and of other
    // text in turn make both guesses, right and wrong, happen.
    const stretch = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', ' ', ':', '\n'), maxLength: 30 }),
      fc.string({ unit: fc.constantFrom('é', '北', '😀', 'x'), maxLength: 10 }),
    );
    fc.assert(
      fc.property(
        fc.array(stretch, { maxLength: 8 }).chain((stretches) => {
          const array = new TextEncoder().encode(stretches.join(''));
          return fc.tuple(fc.constant(array), cutsOf(array.length));
        }),
        ([array, cuts]) => {
          const ours = new Utf8ChunkDecoder();
          let got = '';
          for (const part of cutAt(array, cuts)) got += ours.decode(part);
          expect(got + ours.flush()).toBe(new TextDecoder().decode(array));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('holds back a code point cut after its lead byte until the rest arrives', () => {
    const decoder = new Utf8ChunkDecoder();
    expect(decoder.decode(new Uint8Array([0x61, 0xf0, 0x9f]))).toBe('a');
    expect(decoder.decode(new Uint8Array([0x98, 0x80]))).toBe('😀');
    expect(decoder.decode(new Uint8Array([0xe2]))).toBe('');
    expect(decoder.flush()).toBe('\uFFFD');
  });

  it('decodes a stream fed one byte at a time, ASCII after a cut code point included', () => {
    const bytes = new TextEncoder().encode('data: é😀x\n');
    const decoder = new Utf8ChunkDecoder();
    let text = '';
    for (const byte of bytes) text += decoder.decode(Uint8Array.of(byte));
    expect(text).toBe('data: é😀x\n');
    expect(decoder.decode(Uint8Array.of(0xe2))).toBe('');
    expect(decoder.decode(Uint8Array.of(0x61))).toBe('\uFFFDa');
  });
});
