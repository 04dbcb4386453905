import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAt, cutsOf, type Decoded, decodeChunks, utf8 } from './helpers.js';

/**
 * The WHATWG rules ("9.2.6 Interpreting an event stream") written as plainly as possible, for a
 * whole stream at once: the decoder's fast paths must agree with it on any input.
 */
function reference(bytes: Uint8Array): Decoded {
  const result: Decoded = { events: [], retries: [], comments: [], errors: [], lastEventId: '' };
  // UTF-8 decode, which strips one leading BOM; a line with no end at the end of the stream is dropped.
  const lines = new TextDecoder().decode(bytes).split(/\r\n|\n|\r/);
  lines.pop();
  let data = '';
  let type = '';
  let id = '';
  for (const line of lines) {
    if (line === '') {
      result.lastEventId = id;
      if (data !== '') result.events.push({ type: type || 'message', data: data.slice(0, -1), lastEventId: id });
      data = '';
      type = '';
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (colon === 0) result.comments.push(value);
    else if (field === 'data') data += `${value}\n`;
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry') {
      if (/^[0-9]+$/.test(value)) result.retries.push(Number(value));
      else result.errors.push('invalid-retry');
    }
  }
  return result;
}

const tokens = [
  'data:',
  'data: x',
  'data:x',
  'data',
  'dat',
  'data :x',
  'id: 1',
  'id:',
  'id',
  'id: a\0b',
  'event: e',
  'event:',
  'event',
  'retry: 5',
  'retry:1x',
  ':c',
  ': c',
  'x: y',
  ' data: z',
  '\r',
  '\n',
  '\r\n',
  '\n\n',
  '\uFEFF',
  '\0',
  'é',
  '北',
  '😀',
  ' ',
].map(utf8);
/** Event-stream-like bytes: field lines, line ends of every kind, BOMs, NULs, text and stray bytes. */
const stream = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...tokens) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }) },
    ),
    {
      maxLength: 60,
    },
  )
  .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

describe('SseDecoder against the spec written plainly', () => {
  it('agrees with it on any input, whole or cut anywhere', () => {
    fc.assert(
      fc.property(
        stream.chain((bytes) => fc.tuple(fc.constant(bytes), cutsOf(bytes.length))),
        ([bytes, cuts]) => {
          const want = reference(bytes);
          expect(decodeChunks([bytes])).toEqual(want);
          expect(decodeChunks(cutAt(bytes, cuts))).toEqual(want);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with it when the stream is fed as text', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        expect(decodeChunks([text])).toEqual(reference(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
