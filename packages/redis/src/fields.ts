import type { SseMessage } from 'sse-rx-codec';

/** The field/value list an {@link SseMessage} is stored as in a stream entry: `data`, then `event` if set. */
export function toFields(message: SseMessage): string[] {
  const fields = ['data', message.data ?? ''];
  if (message.event !== undefined) fields.push('event', message.event);
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
