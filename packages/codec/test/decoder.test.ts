import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SseDecoder } from '../src/index.js';
import { cutEvery, decodeChunks, decodeText, ev, utf8 } from './helpers.js';

describe('SseDecoder: lines and line ends', () => {
  it('dispatches an event on a blank line', () => {
    expect(decodeText('data: hello\n\n').events).toEqual([ev('hello')]);
  });

  it('accepts LF, CR and CRLF line ends mixed freely', () => {
    const text = 'data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r';
    expect(decodeText(text).events).toEqual([ev('a\nb\nc'), ev('d')]);
  });

  it('counts a CRLF split across two chunks as one line end', () => {
    expect(decodeChunks(['data: a\r', '\ndata: b\r', '\n\r', '\n']).events).toEqual([ev('a\nb')]);
  });

  it('ends a line at a CR that ends a chunk even when the next chunk starts with text', () => {
    expect(decodeChunks(['data: a\r', 'data: b\n', '\n']).events).toEqual([ev('a\nb')]);
    expect(decodeChunks(['data: a\r', '\r']).events).toEqual([ev('a')]);
  });

  it('handles every chunking of a stream down to one byte at a time', () => {
    const bytes = utf8('event: e\r\nid: 1\r\ndata: x\r\n\r\ndata: y\n\n');
    const whole = decodeChunks([bytes]);
    for (const size of [1, 2, 3, 5, 7]) expect(decodeChunks(cutEvery(bytes, size))).toEqual(whole);
    expect(whole.events).toEqual([ev('x', 'e', '1'), ev('y', 'message', '1')]);
  });
});

describe('SseDecoder: UTF-8 and the BOM', () => {
  it('decodes code points split across chunks', () => {
    const bytes = utf8('data: 日本 😀\n\n');
    expect(decodeChunks(cutEvery(bytes, 1)).events).toEqual([ev('日本 😀')]);
  });

  it('turns invalid bytes into U+FFFD', () => {
    const bytes = new Uint8Array([...utf8('data: a'), 0xff, 0xc3, ...utf8('\n\n')]);
    expect(decodeChunks([bytes]).events).toEqual([ev('a\uFFFD\uFFFD')]);
  });

  it('strips one BOM at the very start only', () => {
    expect(decodeText('\uFEFFdata: a\n\n').events).toEqual([ev('a')]);
    expect(decodeText('\uFEFF\uFEFFdata: a\n\n').events).toEqual([]);
    expect(decodeText('data: \uFEFFa\n\n').events).toEqual([ev('\uFEFFa')]);
  });

  it('strips a BOM whose bytes arrive split', () => {
    expect(decodeChunks([new Uint8Array([0xef]), new Uint8Array([0xbb, 0xbf]), utf8('data: a\n\n')]).events).toEqual([
      ev('a'),
    ]);
  });

  it('does not strip a BOM that starts a later chunk', () => {
    expect(decodeChunks(['data: a\n\n', '\uFEFFdata: b\n\n']).events).toEqual([ev('a')]);
  });
});

describe('SseDecoder: fields', () => {
  it('removes exactly one space after the colon', () => {
    expect(decodeText('data:a\n\ndata: a\n\ndata:  a\n\n').events).toEqual([ev('a'), ev('a'), ev(' a')]);
  });

  it('takes a line with no colon as a field with an empty value', () => {
    expect(decodeText('data\n\n').events).toEqual([ev('')]);
    expect(decodeText('data\ndata\n\n').events).toEqual([ev('\n')]);
  });

  it('reports comments and does not dispatch them', () => {
    const result = decodeText(': ping\n:\n:no space\n\n');
    expect(result.comments).toEqual(['ping', '', 'no space']);
    expect(result.events).toEqual([]);
  });

  it('joins data lines with LF and removes the final LF', () => {
    expect(decodeText('data: a\ndata:\ndata: b\n\n').events).toEqual([ev('a\n\nb')]);
  });

  it('dispatches nothing for an empty data buffer but still resets the event type', () => {
    expect(decodeText('event: x\n\ndata: y\n\n').events).toEqual([ev('y')]);
  });

  it('defaults the event type to message and resets it after each event', () => {
    expect(decodeText('event: a\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n').events).toEqual([
      ev('1', 'a'),
      ev('2'),
      ev('3'),
    ]);
  });

  it('treats field names as case-sensitive and ignores unknown fields', () => {
    expect(decodeText('Data: a\nEVENT: b\nfoo: c\ndata: d\n\n').events).toEqual([ev('d')]);
  });

  it('keeps everything after the first colon in the value', () => {
    expect(decodeText('data: a: b:c\n\n').events).toEqual([ev('a: b:c')]);
  });
});

describe('SseDecoder: id', () => {
  it('persists the last event id across later events until changed', () => {
    expect(decodeText('id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n').events).toEqual([
      ev('a', 'message', '1'),
      ev('b', 'message', '1'),
      ev('c', 'message', '2'),
    ]);
  });

  it('ignores an id that contains NUL', () => {
    const result = decodeText('id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n');
    expect(result.events.map((e) => e.lastEventId)).toEqual(['1', '1']);
  });

  it('tells ids with and without NUL apart wherever they sit in the chunks', () => {
    const text = 'id: 1\ndata: a\n\nid: 2\0\ndata: b\n\nid: 3\ndata: c\n\n: \0\nid: 4\ndata: d\n\nid: \0\ndata: e\n\n';
    const ids = ['1', '1', '3', '4', '4'];
    expect(decodeText(text).events.map((e) => e.lastEventId)).toEqual(ids);
    const bytes = utf8(text);
    for (const size of [1, 3, 6, 11])
      expect(decodeChunks(cutEvery(bytes, size)).events.map((e) => e.lastEventId)).toEqual(ids);
    const chunks = ['id: 1\ndata: a\n\n: a long comment that ends this chunk\n', 'id: \0\ndata: b\n\n'];
    expect(decodeChunks(chunks).events.map((e) => e.lastEventId)).toEqual(['1', '1']);
    // Long chunks, as bytes and as text, whole and with a line cut between two.
    const long = `${': padding\n'.repeat(200)}${text}`;
    for (const pieces of [[long], [long.slice(0, 2010), long.slice(2010)], [long.slice(0, 2034), long.slice(2034)]]) {
      expect(decodeChunks(pieces).events.map((e) => e.lastEventId)).toEqual(ids);
      expect(decodeChunks(pieces.map(utf8)).events.map((e) => e.lastEventId)).toEqual(ids);
    }
    // An id with NUL whose line ends in a long chunk that holds none.
    const ended = ['id: 2\0', `\ndata: b\n\n${': padding\n'.repeat(200)}id: 3\ndata: c\n\n`];
    expect(decodeChunks(ended).events.map((e) => e.lastEventId)).toEqual(['', '3']);
  });

  it('resets the id to empty with an empty value', () => {
    expect(decodeText('id: 1\ndata: a\n\nid\ndata: b\n\n').events.map((e) => e.lastEventId)).toEqual(['1', '']);
  });

  it('updates lastEventId on a blank line even when nothing is dispatched', () => {
    expect(decodeText('id: 9\n\n').lastEventId).toBe('9');
  });

  it('does not update lastEventId from an unterminated event', () => {
    expect(decodeText('id: 1\ndata: a\n\nid: 2\ndata: b\n').lastEventId).toBe('1');
  });

  it('starts from the lastEventId option and keeps it across streams (end)', () => {
    const seen: string[] = [];
    const decoder = new SseDecoder({ lastEventId: '5', onEvent: (e) => seen.push(e.lastEventId) });
    decoder.feed('data: a\n\nid: 6\n\n');
    decoder.end();
    decoder.feed('data: b\n\n');
    expect(seen).toEqual(['5', '6']);
    decoder.reset();
    expect(decoder.lastEventId).toBe('5');
  });
});

describe('SseDecoder: retry', () => {
  it('reports a retry made of ASCII digits only', () => {
    expect(decodeText('retry: 1500\n').retries).toEqual([1500]);
    expect(decodeText('retry:0\n').retries).toEqual([0]);
  });

  it('ignores and reports any other retry value', () => {
    const result = decodeText('retry: 1.5\nretry: -1\nretry: 1e3\nretry:\nretry:  10\nretry: ١\n');
    expect(result.retries).toEqual([]);
    expect(result.errors).toEqual(Array(6).fill('invalid-retry'));
  });
});

describe('SseDecoder: end of stream', () => {
  it('drops an event not terminated by a blank line', () => {
    expect(decodeText('data: a\n\ndata: b\n').events).toEqual([ev('a')]);
    expect(decodeText('data: a\n\ndata: b').events).toEqual([ev('a')]);
  });

  it('starts fresh after end(): a partial line does not leak into the next stream', () => {
    const events: string[] = [];
    const decoder = new SseDecoder({ onEvent: (e) => events.push(e.data) });
    decoder.feed('data: partial');
    decoder.end();
    decoder.feed('data: next\n\n');
    expect(events).toEqual(['next']);
  });
});

describe('SseDecoder: maxEventSize', () => {
  it('drops an endless line past the limit with a typed error, then goes on', () => {
    const chunks = ['data: ', ...Array(20).fill('x'.repeat(10)), '\n\n', 'data: ok\n\n'];
    const result = decodeChunks(chunks, { maxEventSize: 100 });
    expect(result.errors).toEqual(['max-size-exceeded']);
    expect(result.events).toEqual([ev('ok')]);
  });

  it('drops an event whose many data lines go past the limit', () => {
    const text = 'data: 0123456789\n'.repeat(20) + '\ndata: ok\n\n';
    const result = decodeText(text, { maxEventSize: 100 });
    expect(result.errors).toEqual(['max-size-exceeded']);
    expect(result.events).toEqual([ev('ok')]);
  });

  it('decodes 64 MiB of comment lines and then the next event (the 1 GiB run is in test/soak/comment-flood.soak.ts)', () => {
    const chunk = new TextEncoder().encode(`: ${'c'.repeat(1021)}\n`.repeat(64));
    let comments = 0;
    const events: string[] = [];
    const decoder = new SseDecoder({ onComment: () => comments++, onEvent: (event) => events.push(event.data) });
    for (let i = 0; i < 1024; i++) decoder.feed(chunk);
    decoder.feed('data: after\n\n');
    expect(comments).toBe(65_536);
    expect(events).toEqual(['after']);
  });

  it('turns one 64 MiB comment line into a single max-size-exceeded error and goes on', () => {
    const middle = new TextEncoder().encode('c'.repeat(64 * 1024));
    const errors: string[] = [];
    const events: string[] = [];
    let comments = 0;
    const decoder = new SseDecoder({
      maxEventSize: 1024 * 1024,
      onComment: () => comments++,
      onError: (error) => errors.push(error.type),
      onEvent: (event) => events.push(event.data),
    });
    decoder.feed(': ');
    for (let i = 0; i < 1024; i++) decoder.feed(middle);
    decoder.feed('\n\ndata: after\n\n');
    expect(errors).toEqual(['max-size-exceeded']);
    expect(comments).toBe(0);
    expect(events).toEqual(['after']);
  });

  it('keeps the order of a line fed in more pieces than are joined at once', () => {
    const text = Array.from(
      { length: 1000 },
      (_, i) => String.fromCharCode(0x61 + (i % 26)) + (i % 7 === 0 ? 'é' : ''),
    );
    const bytes = utf8(`data: ${text.join('')}\n\n`);
    expect(decodeChunks(cutEvery(bytes, 1)).events).toEqual([ev(text.join(''))]);
    expect(decodeChunks(text.map((piece, i) => (i === 0 ? 'data: ' + piece : piece)).concat('\n\n')).events).toEqual([
      ev(text.join('')),
    ]);
  });

  it('keeps an 8 MiB line fed one byte at a time in about its own size, not one string per byte', () => {
    const gc = exposeGc();
    const line = 8 * 1024 * 1024;
    const events: string[] = [];
    const decoder = new SseDecoder({ maxEventSize: 2 * line, onEvent: (event) => events.push(event.data) });
    const byte = Uint8Array.of(0x78);
    gc();
    const before = process.memoryUsage().heapUsed;
    decoder.feed('data: ');
    for (let i = 0; i < line; i++) decoder.feed(byte);
    gc();
    const held = process.memoryUsage().heapUsed - before;
    decoder.feed('\n\n');
    expect(events).toHaveLength(1);
    expect(events[0]!.length).toBe(line);
    // The line itself is 8 MiB of one-byte text; one string per piece cost ~134 MiB.
    expect(held).toBeLessThan(3 * line);
  });
});

/** The engine's `gc()`, made callable without starting the process with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
