import type { Subscriber } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';

/** A kept (or live-only, `seq` 0) message of an event log. */
export interface Entry {
  seq: number;
  time: number;
  message: SseMessage;
}

/** How the log ended: `{}` on completion, `{ error }` on a source error. */
export type LogEnd = { error?: unknown; failed?: true };

/**
 * One client of `createEventLog`: the log calls `next` for every live entry, straight from its
 * publish loop (no Subject or Subscriber of its own per client). Live entries and the log's end
 * wait in `pending` while the backlog is sent, then follow it; `nextSeq` makes sure no event is
 * sent twice, whichever path it comes by.
 */
export class LogClient {
  private pending: Entry[] | undefined = [];
  private ended: LogEnd | undefined;

  constructor(
    private readonly subscriber: Subscriber<SseMessage>,
    /** The smallest id not sent yet. */
    public nextSeq: number,
    /** The entry being published when this client joined: it is not for this client. */
    private readonly joinedDuring: Entry | undefined,
  ) {}

  next(entry: Entry): void {
    if (entry === this.joinedDuring) return;
    if (this.pending) this.pending.push(entry);
    else if (!this.subscriber.closed) this.send(entry);
  }

  end(how: LogEnd): void {
    if (this.pending) this.ended = how;
    else if (how.failed) this.subscriber.error(how.error);
    else this.subscriber.complete();
  }

  /** Sends `backlog`, then what arrived meanwhile, and goes live. */
  start(backlog: readonly Entry[]): void {
    const pending = this.pending!;
    for (const entry of backlog) if (!this.subscriber.closed) this.send(entry);
    while (pending.length > 0 && !this.subscriber.closed) this.send(pending.shift()!);
    this.pending = undefined;
    if (this.ended) this.end(this.ended);
  }

  private send(entry: Entry): void {
    if (entry.seq !== 0) {
      if (entry.seq < this.nextSeq) return;
      this.nextSeq = entry.seq + 1;
    }
    this.subscriber.next(entry.message);
  }
}
