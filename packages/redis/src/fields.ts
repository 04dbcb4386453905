import { encode, type SseMessage } from 'sse-rx-codec';

/**
 * The field/value list an {@link SseMessage} is stored as in a stream entry: `data`, then `event`
 * if set. The message is encoded once first (without its own `id`: the stream id replaces it), so
 * one the codec refuses (an `event` with a line break, a negative `retry`, a `data` that is not a
 * string) is a `TypeError` here and never stored, where it would end every client's stream on
 * every replay.
 */
export function toFields(message: SseMessage): string[] {
  if (message === null || typeof message !== 'object' || message.data === undefined)
    throw new TypeError(
      'An event store keeps events: append a message with data (it may be ""). Send comments and retry hints through the sink.',
    );
  encode({ ...message, id: undefined });
  const fields = ['data', message.data];
  if (message.event !== undefined) fields.push('event', message.event);
  return fields;
}

/**
 * The {@link SseMessage} of one stream entry; its `id` is the entry's stream id. Frozen, as a memory
 * store's are: a sink then encodes it once for every client it goes to, not once per client.
 */
export function toMessage(id: string, fields: readonly string[]): SseMessage {
  const message: SseMessage = { id, data: '' };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1] as string;
    if (fields[i] === 'data') message.data = value;
    else if (fields[i] === 'event') message.event = value;
  }
  return Object.freeze(message);
}
