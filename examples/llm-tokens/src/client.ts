import { map, type Observable } from 'rxjs';
import { fromResumableSse, ofType, parseJson } from 'sse-rx-client';

/** The event map of a completion stream (it ends with the server's `event: end`). */
export type CompletionEvents = { token: { text: string } };

/**
 * Sends a prompt and streams the answer's tokens: one POST (never sent again), then, whenever the
 * connection breaks, a GET that resumes after the last token received. Completes at the answer's
 * end; fails with an `SseServerError` (code `cancelled`) when it is cancelled.
 * @param url - the server's base URL (the endpoint is `completions` under it).
 * @param prompt - the prompt to send.
 * @param streamId - the answer's id, to follow or cancel it from elsewhere.
 * @returns the tokens' text, in order.
 */
export function complete(url: string, prompt: string, streamId: string = crypto.randomUUID()): Observable<string> {
  return fromResumableSse<CompletionEvents>(new URL('completions', url).href, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
    streamId,
    resumeUrl: (id) => new URL(`completions/${id}`, url).href,
  }).pipe(
    ofType('token'),
    parseJson(),
    map((event) => event.data.text),
  );
}

/**
 * Cancels an answer: the server unsubscribes its model, and every client of it fails with `cancelled`.
 * @param url - the server's base URL.
 * @param streamId - the answer's id.
 * @returns `'cancelled'`, `'ended'` (it had ended already) or `'unknown'`.
 */
export async function cancel(url: string, streamId: string): Promise<string> {
  const response = await fetch(new URL(`completions/${streamId}`, url), { method: 'DELETE' });
  return (await response.json()) as string;
}
