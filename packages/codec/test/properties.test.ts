import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, type SseEvent, type SseMessage } from '../src/index.js';
import { cutAt, cutEvery, cutsOf, decodeChunks, utf8 } from './helpers.js';

/** Any well-formed string, with line breaks, NUL, BOMs, colons and astral code points made likely. */
const anyText = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('\r', '\n', '\r\n', '\0', '\uFEFF', ':', ' '),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
  })
  .map((text) => new TextDecoder().decode(utf8(text)));
const singleLine = anyText.map((text) => text.replace(/[\r\n]/g, ''));

const message: fc.Arbitrary<SseMessage> = fc.record(
  {
    data: anyText,
    event: singleLine,
    id: singleLine.map((text) => text.replace(/\0/g, '')),
    retry: fc.nat(),
    comment: anyText,
  },
  { requiredKeys: ['data'] },
);

/** What a spec-following client sees for a list of messages: data normalised to LF, ids persisting. */
function expectedEvents(messages: SseMessage[]): SseEvent[] {
  let lastEventId = '';
  return messages.map((m) => {
    if (m.id !== undefined) lastEventId = m.id;
    return { type: m.event || 'message', data: (m.data ?? '').replace(/\r\n|\r/g, '\n'), lastEventId };
  });
}

describe('codec properties', () => {
  it('decodes encoded messages back exactly, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 8 }).chain((messages) => {
          const bytes = utf8(messages.map(encode).join(''));
          return fc.tuple(fc.constant(messages), fc.constant(bytes), cutsOf(bytes.length));
        }),
        ([messages, bytes, cuts]) => {
          const decoded = decodeChunks(cutAt(bytes, cuts));
          expect(decoded.events).toEqual(expectedEvents(messages));
          expect(decoded.retries).toEqual(messages.filter((m) => m.retry !== undefined).map((m) => m.retry));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never lets a value of event, id, data or comment create an extra event or field', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (event, id, data, comment) => {
        let wire: string;
        try {
          wire = encode({ event, id, data, comment });
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        const decoded = decodeChunks([wire]);
        expect(decoded.events).toHaveLength(1);
        expect(decoded.events[0]).toEqual({
          type: event || 'message',
          data: data.replace(/\r\n|\r/g, '\n'),
          lastEventId: id,
        });
        expect(decoded.retries).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same result for any chunking of arbitrary bytes, size limit included, and never throws', () => {
    const sseish = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 12 }),
        fc
          .constantFrom('data:', 'data: x', 'id: 1', 'id', 'event: e', 'retry: 5', ':c', '\r', '\n', '\r\n', '\uFEFF')
          .map(utf8),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(
        sseish.chain((parts) => {
          const bytes = Uint8Array.from(parts.flatMap((p) => [...p]));
          return fc.tuple(fc.constant(bytes), cutsOf(bytes.length));
        }),
        ([bytes, cuts]) => {
          expect(decodeChunks(cutAt(bytes, cuts))).toEqual(decodeChunks([bytes]));
          // With a tiny size limit too: where an oversized event is cut off must not depend on chunking.
          const tiny = { maxEventSize: 12 };
          expect(decodeChunks(cutAt(bytes, cuts), tiny)).toEqual(decodeChunks([bytes], tiny));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decodes accented, CJK and emoji text exactly when the bytes arrive in tiny pieces of any size', () => {
    // Chunks of up to 16 bytes take the no-TextDecoder path when ASCII, the TextDecoder otherwise,
    // and cut code points in every place.
    const realistic = fc.string({ unit: fc.constantFrom('a', ' ', ':', 'é', 'Ł', '北', '😀', '\r', '\n', '\r\n') });
    const messages = fc.array(
      fc.record({ data: realistic, id: fc.string({ unit: fc.constantFrom('a', 'é', '北', '😀') }) }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(messages, fc.integer({ min: 1, max: 17 }), (list, size) => {
        const bytes = utf8(list.map(encode).join(''));
        const decoded = decodeChunks(cutEvery(bytes, size));
        expect(decoded.events).toEqual(expectedEvents(list));
        expect(decoded).toEqual(decodeChunks([bytes]));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes bytes and the same text fed as strings identically', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), (messages) => {
        const text = messages.map(encode).join('');
        expect(decodeChunks([text])).toEqual(decodeChunks([utf8(text)]));
      }),
    );
  });
});
