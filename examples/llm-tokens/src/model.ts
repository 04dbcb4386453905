import { concatMap, delay, from, of, type Observable } from 'rxjs';

/**
 * A stand-in for a language model: answers with a canned sentence about the prompt, one token
 * (a word and the space before it) every `delayMs`. Cold: nothing runs until subscribed, and
 * unsubscribing stops it, as cancelling a real model call would.
 * @param prompt - the user's prompt.
 * @param delayMs - the time between two tokens.
 * @returns the tokens, then completes.
 */
export function fakeModel(prompt: string, delayMs: number): Observable<string> {
  const answer = `You asked: "${prompt.slice(0, 200)}". Here is an answer, streamed one token at a time, like a real model would.`;
  const tokens = answer.match(/\s*\S+/g) ?? [];
  return from(tokens).pipe(concatMap((token) => of(token).pipe(delay(delayMs))));
}
