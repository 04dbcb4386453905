import { BehaviorSubject, Observable, type Subscription } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { LogClient, type Entry, type LogEnd } from './logClient.js';

/**
 * Options of {@link createEventLog}.
 * @public
 */
export interface EventLogConfig {
  /**
   * How many events are kept for clients that reconnect.
   * @default 1000
   */
  size?: number;
  /**
   * How long an event is kept, in milliseconds.
   * @default Infinity (only `size` limits the log)
   */
  ttlMs?: number;
  /**
   * Called when a client asks to resume from an id the log cannot serve from: too old (already
   * dropped), unknown, or from before a server restart. The client is sent an `event: reset`.
   * @default undefined
   */
  onReset?: (lastEventId: string) => void;
}

/**
 * A shared, replayable stream of events; see {@link createEventLog}.
 * @public
 */
export interface EventLog {
  /**
   * The messages for one client: those after `lastEventId` still in the log, then live ones,
   * with no gap and no duplicate. Without `lastEventId` (or `''`), live messages only.
   */
  stream(lastEventId?: string | null): Observable<SseMessage>;
  /** The number of clients streaming right now; emits the current count on subscription. */
  readonly clients$: Observable<number>;
  /** The id of the newest event, `''` before the first one. */
  readonly lastId: string;
  /** Stops listening to the source and completes every client stream. */
  close(): void;
}

/**
 * Makes one hub out of a source of messages: every event (a message with `data`) gets the next
 * id (`1`, `2`, ...), is kept for replay and is broadcast to every client. A reconnecting client
 * passes its `Last-Event-ID` to `log.stream(id)` and gets exactly what it missed, then live
 * events: the replay and the switch to live happen in one synchronous step, and messages
 * published meanwhile (even by the client's own handler) are delivered once, in order.
 *
 * When the id cannot be served (older than the log, unknown, or from before a restart) the client
 * first gets `event: reset` with data `{"lastEventId":"<what it sent>"}` and the current id as
 * its `id`, so it knows to reload its state; `onReset` is called too (with the whole id). Only the
 * first 64 characters of the id are echoed, then `…`: a huge header is not sent back to everyone. Comment and retry-only
 * messages are broadcast live but neither numbered nor kept. The source is subscribed at once;
 * once it completes (or `close()` is called) clients still get their backlog, then completion.
 *
 * @example
 * ```ts
 * import { Subject } from 'rxjs';
 * import { createEventLog } from 'sse-rx-server';
 * const chat$ = new Subject<{ data: string }>();
 * const log = createEventLog(chat$, { size: 100 });
 * chat$.next({ data: 'hi' });
 * chat$.next({ data: 'there' });
 * log.stream('1').subscribe(console.log);
 * // { data: 'there', id: '2' }
 * chat$.next({ data: 'again' });
 * // { data: 'again', id: '3' }
 * ```
 * @param source$ - the messages to publish; ids already on them are replaced.
 * @param config - how much to keep and what to do on an unknown id; see {@link EventLogConfig}.
 * @returns the log, to serve clients from.
 * @public
 */
export function createEventLog(source$: Observable<SseMessage>, config: EventLogConfig = {}): EventLog {
  const size = config.size ?? 1000;
  const ttlMs = config.ttlMs ?? Infinity;
  const entries: Entry[] = [];
  const live = new Set<LogClient>();
  // The entry being broadcast: a client that joins while it is (from a handler) does not get it.
  let publishing: Entry | undefined;
  let ended: LogEnd | undefined;
  const clients = new BehaviorSubject(0);
  let lastSeq = 0;

  const prune = (now: number) => {
    let drop = Math.max(0, entries.length - size);
    while (drop < entries.length && now - entries[drop]!.time > ttlMs) drop++;
    if (drop > 0) entries.splice(0, drop);
  };
  const publish = (message: SseMessage) => {
    const entry = { seq: 0, time: Date.now(), message };
    if (message.data !== undefined) {
      entry.seq = ++lastSeq;
      entry.message = { ...message, id: String(lastSeq) };
      entries.push(entry);
      prune(entry.time);
    }
    const outer = publishing;
    publishing = entry;
    try {
      for (const client of live) client.next(entry);
    } finally {
      publishing = outer;
    }
  };
  const end = (how: LogEnd) => {
    if (ended) return;
    ended = how;
    for (const client of live) client.end(how);
    live.clear();
  };
  // The kept entries after `lastEventId`; undefined when the log cannot serve from it.
  const after = (lastEventId: string): Entry[] | undefined => {
    prune(Date.now());
    const seq = /^\d+$/.test(lastEventId) ? Number(lastEventId) : NaN;
    const oldest = entries[0]?.seq ?? lastSeq + 1;
    if (!(seq >= oldest - 1 && seq <= lastSeq)) return undefined;
    return entries.slice(entries.length - (lastSeq - seq));
  };

  const subscription: Subscription = source$.subscribe({
    next: publish,
    error: (error: unknown) => end({ error, failed: true }),
    complete: () => end({}),
  });

  return {
    stream: (lastEventId) =>
      new Observable<SseMessage>((subscriber) => {
        clients.next(clients.value + 1);
        const client = new LogClient(subscriber, lastSeq + 1, publishing);
        if (ended) client.end(ended);
        else live.add(client);
        const backlog = lastEventId ? after(lastEventId) : [];
        if (backlog === undefined) {
          config.onReset?.(lastEventId!);
          subscriber.next({
            event: 'reset',
            data: JSON.stringify({ lastEventId: echo(lastEventId!) }),
            id: String(lastSeq),
          });
        } else if (backlog.length > 0) {
          client.nextSeq = backlog[0]!.seq;
        }
        client.start(backlog ?? []);
        return () => {
          live.delete(client);
          clients.next(clients.value - 1);
        };
      }),
    clients$: clients.asObservable(),
    get lastId() {
      return lastSeq === 0 ? '' : String(lastSeq);
    },
    close() {
      subscription.unsubscribe();
      end({});
      clients.complete();
    },
  };
}

/** The most characters of a client's id that a reset message echoes. */
const MAX_ECHO = 64;

/** `id` as the reset message echoes it: whole when short, else its first characters and `…` (never half a surrogate pair). */
function echo(id: string): string {
  if (id.length <= MAX_ECHO) return id;
  const code = id.charCodeAt(MAX_ECHO - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? MAX_ECHO - 1 : MAX_ECHO;
  return `${id.slice(0, cut)}…`;
}
