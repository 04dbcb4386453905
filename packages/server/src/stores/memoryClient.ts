import type { Subscriber } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { clientDemand } from '../demand.js';

/** An event kept by a memory store: its number in the store, when it was appended, the frozen message and its encoded size. */
export interface Entry {
  seq: number;
  time: number;
  message: SseMessage;
  bytes: number;
}

/**
 * The most bytes of backlog sent to a client in one go, even to one whose connection takes all:
 * the rest follows in a later task, so one long replay does not hold the event loop.
 */
const REPLAY_BATCH_BYTES = 64 * 1024;

/**
 * One client of `createMemoryStore`: the store calls `next` for every appended entry, straight
 * from its append (no Subject or Subscriber of its own per client). Entries appended while the
 * backlog is sent (by a handler, say) wait in `pending`, then follow it; `nextSeq` makes sure no
 * event is sent twice, whichever path it comes by.
 */
export class MemoryClient {
  private pending: Entry[] | undefined = [];
  /** Whether the client's connection takes more now: the replay waits on it between batches. */
  private readonly demand = clientDemand();
  /** Cancels the wait for the next batch of the replay, while one is due. */
  private cancelWait: (() => void) | undefined;

  constructor(
    /** The store's live clients: this one leaves them when unsubscribed. */
    private readonly clients: Set<MemoryClient>,
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

  /**
   * Sends `backlog`, then what arrived meanwhile, and goes live, at the pace of the client's
   * connection: while the sink's queue for it is empty, up to `REPLAY_BATCH_BYTES` at once (all of
   * it, for a short replay); then the rest once the connection took what waits, live entries
   * waiting meanwhile.
   */
  start(backlog: readonly Entry[]): void {
    const pending = this.pending!;
    let index = 0;
    const batch = () => {
      this.cancelWait = undefined;
      let bytes = 0;
      while (!this.subscriber.closed && (index < backlog.length || pending.length > 0)) {
        if (bytes >= REPLAY_BATCH_BYTES || !this.demand.ready) {
          this.cancelWait = this.demand.whenReady(batch);
          return;
        }
        const entry = index < backlog.length ? backlog[index++]! : pending.shift()!;
        bytes += entry.bytes;
        this.send(entry);
      }
      this.pending = undefined;
    };
    batch();
  }

  /** The client left: no more live entries, and no replay batch still due (the stream's teardown). */
  unsubscribe(): void {
    this.clients.delete(this);
    this.cancelWait?.();
  }

  private send(entry: Entry): void {
    if (entry.seq < this.nextSeq) return;
    this.nextSeq = entry.seq + 1;
    this.subscriber.next(entry.message);
  }
}
