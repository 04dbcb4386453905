import type { SseMessage } from './types.js';

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Encodes one message as the exact text to write to an event stream, ending in a blank line.
 *
 * Safe by construction: `data` holding CR, LF or CRLF becomes several `data:` lines (the client
 * receives it with LF line ends, as the spec decodes them); a leading space in a value survives;
 * a `comment` with line breaks becomes several comment lines. Input that would change the stream's
 * meaning is a `TypeError` naming the field: `event` or `id` holding CR or LF (field injection),
 * `id` holding NUL, `retry` that is not a non-negative integer, an `event` without `data` (no client
 * would ever dispatch it), a non-string value, or an empty message.
 *
 * @example
 * ```ts
 * import { encode } from 'sse-rx-codec';
 * encode({ event: 'note', id: '7', data: 'line 1\nline 2' });
 * // 'event: note\nid: 7\ndata: line 1\ndata: line 2\n\n'
 * ```
 * @param message - the fields to write; see {@link SseMessage}.
 * @returns the wire text of the message.
 * @throws TypeError when a field is malformed, with a message that says how to fix it.
 * @public
 */
export function encode(message: SseMessage): string {
  const { data, event, id, retry, comment } = message;
  let text = '';
  if (comment !== undefined) text += encodeComment(comment);
  if (event !== undefined) {
    text += 'event: ' + singleLine('event', event) + '\n';
    if (data === undefined)
      throw new TypeError(`SSE event "${event}" has no data: clients never dispatch it. Set data (it may be '').`);
  }
  if (id !== undefined) {
    singleLine('id', id);
    if (id.includes('\0')) throw new TypeError('SSE id must not contain NUL (U+0000): clients ignore such an id.');
    text += 'id: ' + id + '\n';
  }
  if (retry !== undefined) {
    if (!Number.isSafeInteger(retry) || retry < 0)
      throw new TypeError(`SSE retry must be a non-negative integer of milliseconds, got ${String(retry)}.`);
    text += 'retry: ' + retry + '\n';
  }
  if (data !== undefined) text += encodeData(data);
  if (text.length === 0)
    throw new TypeError('SSE message is empty: set at least one of data, event, id, retry or comment.');
  return text + '\n';
}

function encodeData(data: string): string {
  if (typeof data !== 'string')
    throw new TypeError(
      `SSE data must be a string, got ${typeof data}: serialise it first (JSON.stringify, or asMessage() in sse-rx-server).`,
    );
  // Fast path: a single line, as most payloads (JSON) are.
  if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) return 'data: ' + data + '\n';
  return 'data: ' + data.split(LINE_BREAK).join('\ndata: ') + '\n';
}

function encodeComment(comment: string): string {
  if (typeof comment !== 'string') throw new TypeError(`SSE comment must be a string, got ${typeof comment}.`);
  return ': ' + comment.split(LINE_BREAK).join('\n: ') + '\n';
}

function singleLine(field: 'event' | 'id', value: string): string {
  if (typeof value !== 'string') throw new TypeError(`SSE ${field} must be a string, got ${typeof value}.`);
  if (value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1)
    throw new TypeError(
      `SSE ${field} must not contain CR or LF (it would inject fields into the stream): ${JSON.stringify(value)}.`,
    );
  return value;
}
