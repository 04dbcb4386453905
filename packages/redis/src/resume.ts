import { firstValueFrom, Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { clientDemand, clientMeter, resetMessage } from 'sse-rx-server';
import { newestId } from './newestId.js';
import { planReplay, type ReplayPlan } from './planReplay.js';
import { REPLAY_PAGE_SIZE, readPage } from './readPage.js';
import type { RedisClient } from './redisClient.js';
import type { LiveStream } from './sharedReadLoop.js';
import { compareStreamIds, normalizeStreamId } from './streamId.js';

/**
 * The most replayed bytes (of `data`) handed on in one go, even to a client whose connection takes
 * all; the rest follows in a later task, so one long replay does not hold the event loop.
 */
const REPLAY_BATCH_BYTES = 64 * 1024;

/** What {@link resume} combines. */
export interface ResumeConfig {
  /** The shared live messages of the hub. */
  live$: Observable<SseMessage>;
  /** Emits once the read loop knows where it starts (the `connected` state). */
  ready$: Observable<unknown>;
  /** Decides between a replay after the id and a reset (`undefined`: a malformed id). */
  plan: (lastId: string | undefined) => Promise<ReplayPlan>;
  /** Reads up to {@link REPLAY_PAGE_SIZE} entries after an id. */
  readPage: (afterId: string) => Promise<SseMessage[]>;
  /**
   * The canonical stream id to resume after (`undefined`: malformed), called when subscribed, after
   * joining the live messages: a live-only client probes the newest id here, on the connection
   * appends go through, so an append made after subscribing is never missed.
   */
  start: () => Promise<string | undefined>;
  /** The `Last-Event-ID` as the client sent it, echoed in a reset. */
  lastEventId: string;
}

/**
 * The entries after `lastId`, then the live ones, with no gap and no duplicate: subscribe to live
 * first and buffer, wait until the read loop has its starting point (so the replay that follows
 * reaches at least that far), replay page by page at the pace of the client's connection (`clientDemand`: the next
 * messages are handed on once the sink's queue for the client is empty, 64 KiB at most in one go;
 * the next page is read once the previous one was handed on, and not at all once the client left),
 * then the buffered and later live messages whose
 * id is greater than the last one sent. A client that cannot be served exactly gets a reset first.
 */
export function resume({ live$, ready$, plan, readPage, start, lastEventId }: ResumeConfig): Observable<SseMessage> {
  return new Observable<SseMessage>((subscriber) => {
    const demand = clientDemand();
    const meter = clientMeter();
    let cancelWait = (): void => {};
    let buffer: SseMessage[] | undefined = [];
    // Only read once the replay is done, when it holds the last id sent.
    let lastSent = '0-0';
    // Set once a live message went on after the replay: the read loop's later ones are newer still,
    // and go on without comparing ids (a comparison per message and client was most of a fan-out's cost).
    let passing = false;
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
      next: (message) => {
        if (passing) subscriber.next(message);
        else if (buffer) buffer.push(message);
        else {
          forward(message);
          passing = lastSent === message.id;
        }
      },
      error: (error: unknown) => subscriber.error(error),
    });
    const position = start();
    const replay = async (): Promise<void> => {
      const lastId = await position;
      await firstValueFrom(ready$);
      const decided = await plan(lastId);
      if (subscriber.closed) return;
      if (decided.reset) {
        // The reset carries the newest id, so the client's next reconnect resumes from there.
        lastSent = decided.newestId;
        subscriber.next(resetMessage(decided.reset, lastEventId, decided.newestId));
      } else {
        lastSent = lastId as string;
        let replayed = 0;
        // Bounded by the stream (the plan capped it at maxReplay entries) and by the subscription.
        for (let batchBytes = 0; ; ) {
          const page = await readPage(lastSent);
          for (const message of page) {
            if (subscriber.closed) return;
            forward(message);
            replayed++;
            batchBytes += (message.data as string).length;
            // Wait for the connection to take what waits, as the memory store does.
            if (batchBytes >= REPLAY_BATCH_BYTES || !demand.ready) {
              batchBytes = 0;
              await new Promise<void>((resolve) => (cancelWait = demand.whenReady(resolve)));
            }
          }
          if (subscriber.closed || page.length < REPLAY_PAGE_SIZE || caughtUp()) break;
        }
        if (lastEventId !== '') meter?.replayed(replayed);
      }
      const pending = buffer ?? [];
      buffer = undefined;
      pending.forEach(forward);
    };
    replay().catch((error: unknown) => subscriber.error(error));
    subscription.add(() => cancelWait());
    return subscription;
  });
}

/** What {@link resumeStream} serves from: a stream, the client it is read with, and its live side. */
export interface StreamSource extends LiveStream {
  redis: RedisClient;
  stream: string;
  /** The most entries replayed to one client (see `createRedisStore`). */
  maxReplay: number;
}

/**
 * An event store's `stream(lastEventId)` on a Redis Stream: without a `Last-Event-ID`, the entries
 * appended from now on (after the newest one, asked on the connection appends use); with one, the
 * entries after it as {@link planReplay} decides (or a reset), then the live ones; see {@link resume}.
 */
export function resumeStream(source: StreamSource, lastEventId: string | null | undefined): Observable<SseMessage> {
  const { redis, stream, maxReplay } = source;
  const readPageOf = (afterId: string): Promise<SseMessage[]> => readPage(redis, stream, afterId);
  if (lastEventId === undefined || lastEventId === null || lastEventId === '') {
    const liveOnly: ReplayPlan = { reset: false };
    const start = (): Promise<string> => newestId(redis, stream);
    return resume({ ...source, readPage: readPageOf, plan: async () => liveOnly, start, lastEventId: '' });
  }
  const lastId = normalizeStreamId(lastEventId);
  const plan = (id: string | undefined): Promise<ReplayPlan> => planReplay(redis, stream, id, maxReplay);
  return resume({ ...source, readPage: readPageOf, plan, start: async () => lastId, lastEventId });
}
