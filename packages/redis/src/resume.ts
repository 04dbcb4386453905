import { first, from, Observable, switchMap } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { SseResumeError } from './errors.js';
import type { History } from './readHistory.js';
import { compareStreamIds } from './streamId.js';

/** The message a client gets instead of a replay when its `Last-Event-ID` is older than the stream's history. */
export const RESET_EVENT = 'reset';

/** What {@link resume} combines. */
export interface ResumeConfig {
  /** The shared live messages of the hub. */
  live$: Observable<SseMessage>;
  /** Emits once the read loop knows where it starts (the `connected` state). */
  ready$: Observable<unknown>;
  /** Reads the entries after `lastId`. */
  readHistory: (lastId: string) => Promise<History>;
  /** A canonical stream id. */
  lastId: string;
  onTrimmed: ((error: SseResumeError) => void) | undefined;
}

/**
 * The entries after `lastId`, then the live ones, with no gap and no duplicate: subscribe to live
 * first and buffer, wait until the read loop has its starting point (so the `XRANGE` that follows
 * reaches at least that far), emit the range, then the buffered and later live messages whose id is
 * greater than the last one sent.
 */
export function resume({ live$, ready$, readHistory, lastId, onTrimmed }: ResumeConfig): Observable<SseMessage> {
  return new Observable<SseMessage>((subscriber) => {
    let buffer: SseMessage[] | undefined = [];
    let lastSent = lastId;
    const forward = (message: SseMessage): void => {
      const id = message.id as string;
      if (compareStreamIds(id, lastSent) <= 0) return;
      lastSent = id;
      subscriber.next(message);
    };

    const subscription = live$.subscribe({
      next: (message) => (buffer ? buffer.push(message) : forward(message)),
      error: (error: unknown) => subscriber.error(error),
    });
    const catchUp = ready$.pipe(
      first(),
      switchMap(() => from(readHistory(lastId))),
    );
    subscription.add(
      catchUp.subscribe({
        next: (history) => {
          if (history.trimmed) {
            onTrimmed?.(new SseResumeError('trimmed', lastId, history.firstId));
            // The reset carries the newest id, so the client's next reconnect resumes from here.
            lastSent = history.headId;
            subscriber.next({ event: RESET_EVENT, data: '', id: history.headId });
          } else {
            history.messages.forEach(forward);
          }
          const pending = buffer ?? [];
          buffer = undefined;
          pending.forEach(forward);
        },
        error: (error: unknown) => subscriber.error(error),
      }),
    );
    return subscription;
  });
}
