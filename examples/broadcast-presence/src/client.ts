import { map, type Observable } from 'rxjs';
import { fromSse, parseJson } from 'sse-rx-client';
import type { Person } from './state.js';

/** The event map of the stream. */
export type RoomEvents = { hello: { id: string }; persons: Person[]; presence: string[] };

/** A parsed event of the stream, discriminated on `type`. */
export type RoomEvent =
  | { type: 'hello'; data: { id: string } }
  | { type: 'persons'; data: Person[] }
  | { type: 'presence'; data: string[] };

/**
 * The room's events, parsed: this client's id, then the list and the presence on every change.
 * @param url - the server's base URL.
 * @returns the events, in order.
 */
export function watch(url: string): Observable<RoomEvent> {
  return fromSse<RoomEvents>(new URL('events', url).href).pipe(
    parseJson(),
    map((event) => ({ type: event.type, data: event.data }) as RoomEvent),
  );
}

/**
 * Adds a person to the shared list.
 * @param url - the server's base URL.
 * @param name - the person's name.
 * @returns the new list.
 */
export async function addPerson(url: string, name: string): Promise<Person[]> {
  const response = await fetch(new URL('persons', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`POST /persons: ${response.status}`);
  return (await response.json()) as Person[];
}
