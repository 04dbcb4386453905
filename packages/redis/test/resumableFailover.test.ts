import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, type ClusterOptions } from 'ioredis';
import { defer, type Observable, ReplaySubject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { createResumableStreams, type ResumableStreams } from 'sse-rx-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../../test/support/http.js';
import { createRedisResumableStore, siblingKey } from '../src/index.js';
import { type RedisCluster, startRedisCluster } from './redisCluster.js';
import { redisServerAvailable } from './redisServer.js';

/** Answers running at once. */
const N = 12;
const TOKENS = 50;
/** A reply deadline (3 s) longer than ioredis's own retries on a dead node, as in `cluster.test.ts`. */
const READ_LOOP = { blockMs: 500, replyGraceMs: 2500 };
/**
 * Instance B's: after a failed `XREAD`, its loop waits its grace (5 s) before it opens a new
 * connection, longer than a promotion takes here (about 2.5 s from the kill to a healthy cluster):
 * the second half and the end are appended while it is away, and it must read on from each
 * stream's last entry (a loop starting again from the newest one hangs every follower on B).
 */
const READ_LOOP_B = { blockMs: 500, replyGraceMs: 5000 };
/**
 * An ioredis retry budget longer than a failover (about 30 s: 100 tries 300 ms apart), for an
 * instance whose producers go on while the primary is down: ioredis bridges the outage itself.
 * With ioredis's defaults (16 tries about 100 ms apart) it gives up before a promotion (about
 * 2.5 s here), and the store tries the append again until the cluster is back.
 */
const FAILOVER_BUDGET: ClusterOptions = {
  maxRedirections: 100,
  retryDelayOnFailover: 300,
  retryDelayOnClusterDown: 300,
};
/** Every bounded wait: a promotion, a follower's last token. Met early when all is well. */
const WAIT_MS = 20_000;

/** What one reader (the start, or a follower) of an answer got. */
interface Reader {
  data: string[];
  ended: boolean;
  error?: unknown;
}

describe.skipIf(!redisServerAvailable)('createRedisResumableStore through a Redis Cluster failover', () => {
  let cluster: RedisCluster;
  const cleanup: Array<() => unknown> = [];
  // Each test kills a primary: a cluster of its own (3 primaries, 3 replicas), about 2 s to start.
  beforeEach(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicas: 1, nodeTimeoutMs: 1000 });
  }, 60_000);
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await cluster?.stop();
  });

  /** A `Cluster` client of the test cluster (an app instance's), disconnected after the test. */
  const connect = (options: ClusterOptions = {}): Cluster => {
    const client = new Cluster(cluster.startupNodes, options);
    client.on('error', () => undefined);
    cleanup.push(() => client.disconnect());
    return client;
  };

  /** Subscribes to `source$`, collecting its data until it ends; unsubscribed after the test. */
  const reader = (source$: Observable<SseMessage>): Reader => {
    const got: Reader = { data: [], ended: false };
    const subscription = source$.subscribe({
      next: (message) => got.data.push(message.data as string),
      error: (error: unknown) => {
        got.error = error;
        got.ended = true;
      },
      complete: () => (got.ended = true),
    });
    cleanup.push(() => subscription.unsubscribe());
    return got;
  };

  /**
   * Two app instances, each a `Cluster` client with a store under `prefix`: A (ioredis's
   * defaults, or {@link FAILOVER_BUDGET} when `producing` goes on through the outage) starts
   * {@link N} answers of {@link TOKENS} tokens, each followed once on A and twice on B, whose
   * ioredis gives up after 2 redirections (`maxRedirections: 2`), long before a replica is
   * promoted: its read loop's `XREAD` fails, and the loop must open a new connection (after
   * {@link READ_LOOP_B}'s grace). Once every reader has half the tokens, the primary of the slot
   * of the first answer is killed after its replica confirmed every write (`WAIT`), and the rest
   * is produced once its replica is promoted and the cluster healthy (`producing: 'after'`), or
   * from the kill on, a token every 100 ms (`'through'`; `'cut'`: the same with A on ioredis's
   * defaults, whose appends fail during the outage, and the store retries them); a follower joins each answer on B after
   * the failover. Resolves to how many read connections B opened before and in all.
   */
  async function failover(prefix: string, producing: 'after' | 'through' | 'cut' = 'after') {
    const a = connect(producing === 'through' ? FAILOVER_BUDGET : {});
    const b = connect({ maxRedirections: 2 });
    // The read loops' connections: each is a `redis.duplicate()`, opened again when a loop reconnects.
    const openedOnB = vi.spyOn(b, 'duplicate');
    const streamsOf = (redis: Cluster, readLoop: typeof READ_LOOP): ResumableStreams =>
      createResumableStreams({ store: createRedisResumableStore({ redis, prefix, readLoop }) });
    const streamsA = streamsOf(a, READ_LOOP);
    const streamsB = streamsOf(b, READ_LOOP_B);
    const ids = Array.from({ length: N }, (_, n) => `a${n}`);
    const producerRuns = new Map<string, number>();
    // Every producer gets every token, also one subscribed after some were sent.
    const tokens$ = new ReplaySubject<SseMessage>();
    const producer = (id: string) =>
      defer(() => {
        producerRuns.set(id, (producerRuns.get(id) ?? 0) + 1);
        return tokens$;
      });
    const readers = ids.map((id) => reader(streamsA.start(id, producer(id))));
    // Followers join once the answers are claimed: `follow` of an id not claimed yet is a 404.
    const stateKeys = ids.map((id) => siblingKey(`${prefix}{${id}}`, 'state'));
    const claimed = async () => (await Promise.all(stateKeys.map((key) => a.exists(key)))).every(Boolean);
    await waitFor(claimed, WAIT_MS, 'the claims');
    const follow = (streams: ResumableStreams) => ids.map((id) => reader(streams.follow(id)));
    readers.push(...follow(streamsA), ...follow(streamsB), ...follow(streamsB));

    for (let n = 0; n < TOKENS / 2; n++) tokens$.next({ event: 'token', data: String(n) });
    await waitFor(
      () => readers.every((got) => got.data.length === TOKENS / 2),
      WAIT_MS,
      'half the tokens, every reader',
    );
    const loopsBefore = openedOnB.mock.calls.length;

    const slot = await cluster.slotOf(`${prefix}{${ids[0]}}`);
    const primary = await cluster.primaryOf(slot);
    // Replication is asynchronous: WAIT on the connection the claims and appends went through
    // (A's), so the run tests delivery, not Redis's durability.
    const appendedThrough = a.nodes('master').find((node) => node.options.port === primary.port);
    expect(await appendedThrough?.wait(1, 5000)).toBe(1);
    await primary.kill();
    const produceRest = async (): Promise<void> => {
      for (let n = TOKENS / 2; n < TOKENS; n++) {
        // An LLM's pace: the outage falls between tokens, whose appends wait in the producer's queue.
        if (producing !== 'after') await sleep(100);
        tokens$.next({ event: 'token', data: String(n) });
      }
      tokens$.complete();
    };
    const rest = producing !== 'after' ? produceRest() : undefined;
    await cluster.untilPromoted(slot, primary, WAIT_MS);
    await cluster.untilHealthy(WAIT_MS);
    readers.push(...follow(streamsB));
    await (rest ?? produceRest());
    // Then the readers are compared, naming what each lacks.
    await waitFor(() => readers.every((got) => got.ended), 30_000).catch(() => undefined);

    const tokens = Array.from({ length: TOKENS }, (_, n) => String(n));
    for (const got of readers) expect(got).toEqual({ data: [...tokens, '{}'], ended: true });
    expect([...producerRuns.values()]).toEqual(ids.map(() => 1));
    // The claim survived the failover too: the answer is not started again.
    const again = reader(streamsB.start(ids[0] as string, producer('again')));
    await waitFor(() => again.ended, WAIT_MS, 'the second start');
    expect((again.error as { code?: string }).code).toBe('stream-exists');
    return { loopsBefore, loopsAfter: openedOnB.mock.calls.length };
  }

  it('the primary of every answer killed mid-answer (one hash tag), its replica promoted: every reader gets every token once, in order', async () => {
    const { loopsBefore, loopsAfter } = await failover('{answers}:');
    // One loop on B for the hash tag, which went through a reconnect (a new connection, not ioredis bridging it).
    expect(loopsBefore).toBe(1);
    expect(loopsAfter).toBeGreaterThan(1);
  }, 60_000);

  it('the primary of some answers killed mid-answer (answers spread over slots): every reader gets every token once, in order', async () => {
    const { loopsBefore, loopsAfter } = await failover('spread:');
    // One loop on B per answer. Each reconnected (measured: 12 to 24), not only those of the killed
    // primary's answers: while a slot is unserved every node answers CLUSTERDOWN, blocked reads too.
    expect(loopsBefore).toBe(N);
    expect(loopsAfter).toBeGreaterThan(N);
  }, 60_000);

  it('tokens go on through the outage, appended by an instance whose ioredis retries longer than the failover: every reader gets every token once, in order', async () => {
    const { loopsAfter } = await failover('{answers}:', 'through');
    expect(loopsAfter).toBeGreaterThan(1);
  }, 60_000);

  it('tokens go on through the outage, appended by an instance with ioredis defaults: the store tries each failed append again until the cluster is back, every reader gets every token once, in order', async () => {
    await failover('{answers}:', 'cut');
  }, 60_000);
});
