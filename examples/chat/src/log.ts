import { Observable, Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/** One chat message as clients see it (the `data` of an `event: chat`). */
export interface ChatMessage {
  from: string;
  text: string;
  at: string;
}

/**
 * An in-memory, bounded log of chat messages with numeric ids (1, 2, 3, ...), and the live feed
 * of new ones. This is what a replay hub does for `Last-Event-ID`: a client that reconnects gets
 * exactly what it missed, then the live messages, with no gap and no duplicate.
 */
export class ChatLog {
  private readonly entries: SseMessage[] = [];
  private readonly live$ = new Subject<SseMessage>();
  private lastId = 0;

  /** @param capacity - how many past messages are kept for replay. */
  constructor(private readonly capacity = 1000) {}

  /**
   * Adds a message and sends it to every connected client.
   * @param message - the chat message.
   * @returns its id.
   */
  append(message: ChatMessage): number {
    const id = ++this.lastId;
    const entry: SseMessage = { event: 'chat', id: String(id), data: JSON.stringify(message) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    this.live$.next(entry);
    return id;
  }

  /**
   * The messages after `lastEventId` (all kept ones when it is empty or not a number), then the
   * live ones. The backlog is read and the live feed subscribed in the same synchronous step, so
   * no `append` can fall between them.
   * @param lastEventId - the client's `Last-Event-ID`, if any.
   * @returns the messages for one client.
   */
  since(lastEventId: string | undefined): Observable<SseMessage> {
    return new Observable<SseMessage>((subscriber) => {
      const after = Number(lastEventId);
      const from = Number.isSafeInteger(after) ? after : 0;
      for (const entry of this.entries) if (Number(entry.id) > from) subscriber.next(entry);
      return this.live$.subscribe(subscriber);
    });
  }
}
