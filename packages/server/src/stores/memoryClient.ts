import type { Subscriber } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/** An event kept by a memory store: its number in the store, when it was appended, the frozen message. */
export interface Entry {
  seq: number;
  time: number;
  message: SseMessage;
}

/**
 * One client of `createMemoryStore`: the store calls `next` for every appended entry, straight
 * from its append (no Subject or Subscriber of its own per client). Entries appended while the
 * backlog is sent (by a handler, say) wait in `pending`, then follow it; `nextSeq` makes sure no
 * event is sent twice, whichever path it comes by.
 */
export class MemoryClient {
  private pending: Entry[] | undefined = [];

  constructor(
    private readonly subscriber: Subscriber<SseMessage>,
    /** The smallest number not sent yet. */
    public nextSeq: number,
    /** The entry being appended when this client joined: it is not for this client. */
    private readonly joinedDuring: Entry | undefined,
  ) {}

  next(entry: Entry): void {
    if (entry === this.joinedDuring) return;
    if (this.pending) this.pending.push(entry);
    else if (!this.subscriber.closed) this.send(entry);
  }

  /** Sends `backlog`, then what arrived meanwhile, and goes live. */
  start(backlog: readonly Entry[]): void {
    const pending = this.pending!;
    for (const entry of backlog) if (!this.subscriber.closed) this.send(entry);
    while (pending.length > 0 && !this.subscriber.closed) this.send(pending.shift()!);
    this.pending = undefined;
  }

  private send(entry: Entry): void {
    if (entry.seq < this.nextSeq) return;
    this.nextSeq = entry.seq + 1;
    this.subscriber.next(entry.message);
  }
}
