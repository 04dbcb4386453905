import { map, type Observable } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';
import type { ChatMessage } from './server.js';

/** A received chat message with its id. */
export interface Received extends ChatMessage {
  id: string;
}

/**
 * The chat's messages: the kept history (or what came after `lastEventId`), then live ones.
 * `fromSse` reconnects on its own and sends `Last-Event-ID`, so a dropped connection loses nothing.
 * @param url - the server's base URL.
 * @param lastEventId - resume after this id (e.g. saved from a previous session).
 * @returns the messages, in order.
 */
export function messages(url: string, lastEventId = ''): Observable<Received> {
  return fromSse<{ chat: ChatMessage }>(new URL('events', url).href, { lastEventId }).pipe(
    ofType('chat'),
    parseJson(),
    map((event) => ({ ...event.data, id: event.lastEventId })),
  );
}

/**
 * Sends a chat message.
 * @param url - the server's base URL.
 * @param from - the sender's name.
 * @param text - the message.
 * @returns the message's id.
 */
export async function post(url: string, from: string, text: string): Promise<string> {
  const response = await fetch(new URL('messages', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text }),
  });
  if (!response.ok) throw new Error(`POST /messages: ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}
