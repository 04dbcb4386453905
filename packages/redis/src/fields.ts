import { encode, type SseMessage } from 'sse-rx-codec';

/**
 * The field/value list an {@link SseMessage} is stored as in a stream entry: `data`, then `event`
 * if set. What will be served (`data` and `event`) is encoded once first, so a message the codec
 * refuses (an `event` with a line break, a `data` that is not a string) is a `TypeError` here and
 * never stored, where it would end every client's stream on every replay.
 */
export function toFields(message: SseMessage): string[] {
  const served: SseMessage = { data: message.data ?? '' };
  if (message.event !== undefined) served.event = message.event;
  encode(served);
  const fields = ['data', served.data as string];
  if (served.event !== undefined) fields.push('event', served.event);
  return fields;
}

/** The {@link SseMessage} of one stream entry; its `id` is the entry's stream id. */
export function toMessage(id: string, fields: readonly string[]): SseMessage {
  const message: SseMessage = { id, data: '' };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1] as string;
    if (fields[i] === 'data') message.data = value;
    else if (fields[i] === 'event') message.event = value;
  }
  return message;
}
