import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Observable } from 'rxjs';
import { encode, type SseMessage } from 'sse-rx-codec';
import { type EventStore, type ResetReason, resetMessage } from 'sse-rx-server';

/** Options of {@link createJournalStore}. */
export interface JournalStoreConfig {
  /** The journal file: created when missing, read back (and compacted) when present. */
  path: string;
  /**
   * How many events are kept for clients that resume.
   * @default 1000
   */
  maxEvents?: number;
}

/** A {@link createJournalStore} store: an `EventStore` that also says which message it holds last. */
export interface JournalStore extends EventStore {
  /** The newest message (with its id), or undefined while the journal is empty. */
  last(): SseMessage | undefined;
}

/** `<journal>-<seq>`: the journal's random name, then the event's number in it. */
const ID = /^([0-9a-f]{8})-(\d+)$/;

/**
 * An `EventStore` kept in a file, so that a restarted process serves the same ids: a client that
 * resumes after the restart gets what it missed, not a reset. It is the demo's stand-in for a
 * durable store (Redis with sse-rx-redis, a database): one process, synchronous appends.
 *
 * The first line of the file names the journal; each further line is one message as JSON. An id
 * from another journal (`unknown`), newer than the newest (`future`), older than what is kept
 * (`trimmed`) or of another shape (`malformed`) gets the contract's reset first.
 *
 * @example
 * ```ts
 * const store = createJournalStore({ path: '/tmp/demo/journal.ndjson' });
 * await store.append({ event: 'tick', data: '{"n":1}' });
 * // '3f9a0c1e-1'
 * ```
 * @param config - the file and how much to keep; see {@link JournalStoreConfig}.
 * @returns the store.
 */
export function createJournalStore(config: JournalStoreConfig): JournalStore {
  const maxEvents = config.maxEvents ?? 1000;
  const { journal, messages } = existsSync(config.path) ? read(config.path) : { journal: newName(), messages: [] };
  const entries = messages.slice(-maxEvents);
  // Rewrites the file with what is kept: a fresh journal, or one compacted at each start.
  writeFileSync(config.path, [JSON.stringify({ journal }), ...entries.map((m) => JSON.stringify(m))].join('\n') + '\n');
  let lastSeq = entries.length > 0 ? seqOf(entries.at(-1)!.id!) : 0;
  const clients = new Set<() => void>();
  // While a client is being sent events, old ones are not dropped: it may still be behind.
  let sending = 0;

  const oldestSeq = () => lastSeq - entries.length + 1;
  const resolve = (lastEventId: string): number | ResetReason => {
    const match = ID.exec(lastEventId);
    if (!match) return 'malformed';
    if (match[1] !== journal) return 'unknown';
    const seq = Number(match[2]);
    if (seq > lastSeq) return 'future';
    if (seq < oldestSeq() - 1) return 'trimmed';
    return seq;
  };

  return {
    last: () => entries.at(-1),
    append: (input) => {
      try {
        if (input === null || typeof input !== 'object' || input.data === undefined)
          throw new TypeError('A journal keeps events: append a message with data (it may be "").');
        const message = Object.freeze({ ...input, id: `${journal}-${lastSeq + 1}` });
        encode(message); // the codec's TypeError for a message it refuses, before anything is kept
        appendFileSync(config.path, JSON.stringify(message) + '\n');
        entries.push(message);
        lastSeq++;
        if (sending === 0 && entries.length > maxEvents) entries.splice(0, entries.length - maxEvents);
        for (const client of [...clients]) client();
        return Promise.resolve(message.id);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    stream: (lastEventId) =>
      new Observable<SseMessage>((subscriber) => {
        const from = lastEventId ? resolve(lastEventId) : lastSeq;
        if (typeof from === 'string') subscriber.next(resetMessage(from, lastEventId!, `${journal}-${lastSeq}`));
        // The number of the next event this client gets; sent in order, each once, even when a
        // handler appends while it runs (the inner call returns and the outer loop sends it).
        let next = (typeof from === 'string' ? lastSeq : from) + 1;
        let busy = false;
        const send = () => {
          if (busy) return;
          busy = true;
          sending++;
          try {
            while (!subscriber.closed && next <= lastSeq) subscriber.next(entries[next++ - oldestSeq()]!);
          } finally {
            busy = false;
            sending--;
          }
        };
        clients.add(send);
        send();
        return () => clients.delete(send);
      }),
  };
}

/** The journal's name and messages from its file. */
function read(path: string): { journal: string; messages: SseMessage[] } {
  const [head, ...lines] = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const journal = (JSON.parse(head ?? '{}') as { journal?: string }).journal ?? newName();
  return { journal, messages: lines.map((line) => JSON.parse(line) as SseMessage) };
}

/** The number at the end of one of this store's ids. */
function seqOf(id: string): number {
  return Number(ID.exec(id)?.[2] ?? 0);
}

function newName(): string {
  return randomBytes(4).toString('hex');
}
