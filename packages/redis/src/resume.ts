import { firstValueFrom, Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { ReplayPlan } from './planReplay.js';
import { REPLAY_PAGE_SIZE } from './readPage.js';
import { resetMessage } from './resetMessage.js';
import { compareStreamIds } from './streamId.js';

/** What {@link resume} combines. */
export interface ResumeConfig {
  /** The shared live messages of the hub. */
  live$: Observable<SseMessage>;
  /** Emits once the read loop knows where it starts (the `connected` state). */
  ready$: Observable<unknown>;
  /** Decides between a replay after `lastId` and a reset. */
  plan: (lastId: string) => Promise<ReplayPlan>;
  /** Reads up to {@link REPLAY_PAGE_SIZE} entries after an id. */
  readPage: (afterId: string) => Promise<SseMessage[]>;
  /** A canonical stream id. */
  lastId: string;
  /** The `Last-Event-ID` as the client sent it, echoed in a reset. */
  lastEventId: string;
}

/**
 * The entries after `lastId`, then the live ones, with no gap and no duplicate: subscribe to live
 * first and buffer, wait until the read loop has its starting point (so the replay that follows
 * reaches at least that far), replay page by page (the next page is read once the previous one was
 * handed on, and not at all once the client left), then the buffered and later live messages whose
 * id is greater than the last one sent. A client that cannot be served exactly gets a reset first.
 */
export function resume({ live$, ready$, plan, readPage, lastId, lastEventId }: ResumeConfig): Observable<SseMessage> {
  return new Observable<SseMessage>((subscriber) => {
    let buffer: SseMessage[] | undefined = [];
    let lastSent = lastId;
    const forward = (message: SseMessage): void => {
      const id = message.id as string;
      if (compareStreamIds(id, lastSent) <= 0) return;
      lastSent = id;
      subscriber.next(message);
    };
    /** True once the replay reached the first live message: the buffer takes over from there. */
    const caughtUp = (): boolean =>
      buffer?.[0] !== undefined && compareStreamIds(lastSent, buffer[0].id as string) >= 0;

    const subscription = live$.subscribe({
      next: (message) => (buffer ? buffer.push(message) : forward(message)),
      error: (error: unknown) => subscriber.error(error),
    });
    const replay = async (): Promise<void> => {
      await firstValueFrom(ready$);
      const decided = await plan(lastId);
      if (subscriber.closed) return;
      if (decided.reset) {
        // The reset carries the newest id, so the client's next reconnect resumes from there.
        lastSent = decided.newestId;
        subscriber.next(resetMessage(decided.reset, lastEventId, decided.newestId));
      } else {
        // Bounded by the stream (the plan capped it at maxReplay entries) and by the subscription.
        for (let page = await readPage(lastId); !subscriber.closed; page = await readPage(lastSent)) {
          page.forEach(forward);
          if (page.length < REPLAY_PAGE_SIZE || caughtUp()) break;
        }
      }
      const pending = buffer ?? [];
      buffer = undefined;
      pending.forEach(forward);
    };
    replay().catch((error: unknown) => subscriber.error(error));
    return subscription;
  });
}
