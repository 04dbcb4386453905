import { Cluster, Redis } from 'ioredis';
import { lastValueFrom, ReplaySubject, timeout, toArray } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { createResumableStreams } from 'sse-rx-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisResumableStore } from '../src/index.js';
import { type RedisCluster, startRedisCluster } from './redisCluster.js';
import { redisServerAvailable } from './redisServer.js';

/** Streams followed at once. */
const N = 12;
const TOKENS = 50;

describe.skipIf(!redisServerAvailable)('createRedisResumableStore on a Redis Cluster (3 primaries)', () => {
  let cluster: RedisCluster;
  let redis: Cluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicas: 0 });
    redis = new Cluster(cluster.startupNodes);
    redis.on('error', () => undefined);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  /** The connections whose name starts with `name` on every node of the cluster. */
  const connectionsNamed = async (name: string): Promise<number> => {
    let count = 0;
    for (const { port } of cluster.startupNodes) {
      const admin = new Redis({ host: '127.0.0.1', port });
      const list = (await admin.client('LIST')) as string;
      admin.disconnect();
      count += list.split('\n').filter((line) => line.includes(` name=${name}`)).length;
    }
    return count;
  };

  /**
   * Runs {@link N} answers of {@link TOKENS} tokens at once under `prefix`, each followed once
   * besides its start, running `midway` once half the tokens are given to the producers; resolves
   * to the most loop connections seen.
   */
  const answers = async (prefix: string, midway = async (): Promise<void> => undefined): Promise<number> => {
    const streams = createResumableStreams({ store: createRedisResumableStore({ redis, prefix }) });
    const ids = Array.from({ length: N }, (_, n) => `a${n}`);
    // Every producer gets every token, also one subscribed after some were sent.
    const tokens$ = new ReplaySubject<SseMessage>();
    const read = (source$: ReturnType<typeof streams.follow>) =>
      lastValueFrom(source$.pipe(timeout(15_000), toArray())).then((messages) => messages.map((m) => m.data));
    const started = ids.map((id) => read(streams.start(id, tokens$)));
    // Followers join once the answers are claimed: follow() of an id not claimed yet is a 404.
    const followed = ids.map(async (id) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await read(streams.follow(id));
        } catch (error) {
          if ((error as { code?: string }).code !== 'stream-not-found' || attempt > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    });
    let most = 0;
    let done = false;
    const all = Promise.all([...started, ...followed]).finally(() => (done = true));
    const sampled = (async () => {
      while (!done) most = Math.max(most, await connectionsNamed(`sse-rx-redis:${prefix}`));
    })();
    for (let n = 0; n < TOKENS; n++) {
      if (n === TOKENS / 2) await midway();
      tokens$.next({ event: 'token', data: String(n) });
    }
    tokens$.complete();
    const expected = [...Array.from({ length: TOKENS }, (_, n) => String(n)), '{}'];
    for (const messages of await all) expect(messages).toEqual(expected);
    await sampled;
    return most;
  };

  it('reads streams of many slots, one loop per hash tag: every follower gets every token once, in order', async () => {
    // Each loop is a Cluster client of its own (measured: 20 connections for the 12 answers).
    expect(await answers('spread:')).toBeGreaterThan(0);
  });

  it('reads every stream with one Cluster client (a connection to a node or two, not one a stream) when the prefix has a hash tag', async () => {
    const most = await answers('{answers}:');
    expect(most).toBeGreaterThan(0);
    // One client: the node it asked for the slots, and the node of the slot (measured: 2).
    expect(most).toBeLessThanOrEqual(cluster.startupNodes.length);
  });

  it('follows the slot of its streams moved to another primary mid-answer: every follower gets every token once', async () => {
    const slot = await cluster.slotOf('{moving}:');
    const from = await cluster.primaryOf(slot);
    const to = cluster.nodes.find((node) => node.id !== from.id)!;
    await answers('{moving}:', () => cluster.moveSlot(slot, to));
    expect((await cluster.primaryOf(slot)).id).toBe(to.id);
  }, 30_000);
});
