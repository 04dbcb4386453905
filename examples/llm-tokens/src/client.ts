import { map, type Observable } from 'rxjs';
import { fromSse, ofType, parseJson } from 'sse-rx-client';

/** The event map of a completion stream. */
export type CompletionEvents = { token: { text: string }; done: Record<string, never> };

/**
 * Sends a prompt and streams the answer's tokens. One request per subscription, never retried
 * (`reconnect: false`): the end of the response completes the Observable, and unsubscribing
 * aborts the request, which stops the model on the server.
 * @param url - the server's base URL (the endpoint is `completions` under it).
 * @param prompt - the prompt to send.
 * @returns the tokens' text, in order.
 */
export function complete(url: string, prompt: string): Observable<string> {
  return fromSse<CompletionEvents>(new URL('completions', url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
    reconnect: false,
  }).pipe(
    ofType('token'),
    parseJson(),
    map((event) => event.data.text),
  );
}
