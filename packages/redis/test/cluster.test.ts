import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { Cluster, type ClusterOptions } from 'ioredis';
import { eventStoreContract } from 'sse-rx-server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, siblingKey } from '../src/index.js';
import { whenState } from './helpers.js';
import { type RedisCluster, startRedisCluster } from './redisCluster.js';
import { redisServerAvailable } from './redisServer.js';

/** Events published in each mid-stream run. */
const COUNT = 2_000;
const BATCH = 20;
/** The loop's reply deadline: 1 s. */
const TIMING = { blockMs: 500, replyGraceMs: 500 };

describe.skipIf(!redisServerAvailable)('createRedisStore on a Redis Cluster (3 primaries, 3 replicas)', () => {
  let cluster: RedisCluster;
  const cleanup: Array<() => unknown> = [];
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicas: 1, nodeTimeoutMs: 1000 });
  }, 60_000);
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => cluster?.stop());

  /** A `Cluster` client of the test cluster, disconnected after the test. */
  const connect = (options: ClusterOptions = {}): Cluster => {
    const client = new Cluster(cluster.startupNodes, options);
    // It reconnects by itself; without a listener it also prints every failed attempt.
    client.on('error', () => undefined);
    cleanup.push(() => client.disconnect());
    return client;
  };

  it('siblingKey gives a key in the slot of any stream it accepts (CLUSTER KEYSLOT)', async () => {
    // Names rich in braces, where hash tags start and end.
    const name = fc.string({ unit: fc.constantFrom('{', '}', 'a', 'b', ':', 'é', '\n'), maxLength: 8 });
    const slotOf = (key: string) => cluster.slotOf(key);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(name, fc.string()), name, async (stream, part) => {
        let key: string;
        try {
          key = siblingKey(stream, part);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          // Refused only when no key could be built: empty, or a '}' without a hash tag.
          expect(stream === '' || stream.includes('}')).toBe(true);
          return;
        }
        accepted++;
        expect(key).not.toBe(stream);
        expect(await slotOf(key)).toBe(await slotOf(stream));
      }),
      { numRuns: 300, seed: 16 },
    );
    expect(accepted).toBeGreaterThan(150);
  });

  describe('eventStoreContract', () => {
    let streams = 0;
    const cases = eventStoreContract(
      // Each case's stream lands in another slot, on one of the three primaries.
      ({ maxEvents }) =>
        createRedisStore({ redis: connect(), stream: `contract-${++streams}`, maxEvents, exactTrim: true, ...TIMING }),
      { resetIds: { future: () => '99999999999999-0' } },
    );
    for (const check of cases) it(check.name, () => check.run());
  });

  /**
   * Two app instances (each its own `Cluster` client, made with `options[i]`, and store) with two clients each, one from
   * `0-0` and one live-only subscribed before publishing starts; a publisher appends {@link COUNT}
   * events in pipelined batches and runs `step` between two batches once `at` are published. Every
   * client must get every event exactly once, in order.
   */
  async function midStream(
    stream: string,
    at: number,
    step: (publisher: Cluster) => Promise<void>,
    timing: { blockMs: number; replyGraceMs: number } = TIMING,
    options: ClusterOptions[] = [{}, {}],
  ) {
    const redises = options.map((option) => connect(option));
    const stores = redises.map((redis) => createRedisStore({ redis, stream, maxReplay: Infinity, ...timing }));
    const states = stores.map((store) => {
      const seen: string[] = [];
      const watch = store.state$.subscribe((state) => seen.push(state));
      cleanup.push(() => watch.unsubscribe());
      return seen;
    });
    const clients = stores.flatMap((store) =>
      ['0-0', undefined].map((lastEventId) => {
        const numbers: number[] = [];
        const reader = store.stream(lastEventId).subscribe((message) => numbers.push(Number(message.data)));
        cleanup.push(() => reader.unsubscribe());
        return numbers;
      }),
    );
    await Promise.all(stores.map((store) => whenState(store, 'connected')));
    // A live-only client starts after the newest id it asks for on its store's connection; the
    // appends below go through another one. A command sent after those asks, to the same node,
    // answers after them: then every client's start is before the first append.
    await Promise.all(redises.map((redis) => redis.xrevrange(stream, '+', '-', 'COUNT', 1)));

    const publisher = connect();
    const writer = createRedisStore({ redis: publisher, stream });
    let published = 0;
    let marks: number[] = [];
    while (published < COUNT) {
      const batch = Array.from({ length: BATCH }, (_, i) => published + i + 1);
      // One connection, commands in call order: Redis appends them in this order.
      await Promise.all(batch.map((n) => writer.append({ event: 'seq', data: String(n) })));
      published += batch.length;
      if (published === at) {
        marks = states.map((seen) => seen.length);
        await step(publisher);
      }
      await sleep(2);
    }
    const deadline = Date.now() + 20_000;
    while (clients.some((numbers) => numbers.length < COUNT) && Date.now() < deadline) await sleep(20);
    // The stream's own order: ioredis may reorder pipelined appends that it retries across a
    // failover, so the numbers are checked as a set, and the order against the stream.
    const stored = (await publisher.xrange(stream, '-', '+')).map(([, fields]) => Number(fields[1]));
    expect([...stored].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    for (const numbers of clients) expect(numbers).toEqual(stored);
    return { states: states.map((seen, i) => ({ after: seen.slice(marks[i]), now: seen.at(-1) })) };
  }

  it('follows the stream slot moved to another primary mid-stream: every client gets every event once', async () => {
    const stream = 'moving';
    const slot = await cluster.slotOf(stream);
    const from = await cluster.primaryOf(slot);
    // redis-cli --cluster create makes the first three nodes the primaries.
    const to = cluster.nodes.slice(0, 3).find((node) => node !== from)!;
    await midStream(stream, COUNT / 2, async () => {
      await cluster.moveSlot(slot, to);
    });
    expect((await cluster.primaryOf(slot)).id).toBe(to.id);
  }, 60_000);

  it('follows a failover: the primary of the stream killed mid-stream, its replica promoted: every client gets every event once', async () => {
    const stream = 'failing-over';
    const slot = await cluster.slotOf(stream);
    const primary = await cluster.primaryOf(slot);
    const { states } = await midStream(
      stream,
      COUNT / 2,
      async (publisher) => {
        // Replication is asynchronous: an append the primary acknowledged but had not sent to its
        // replica yet dies with it. Wait until the replica has every append (WAIT on the connection
        // the appends went through), so the run tests delivery, not Redis's durability.
        const appendedThrough = publisher.nodes('master').find((node) => node.options.port === primary.port);
        expect(await appendedThrough?.wait(1, 5000)).toBe(1);
        await primary.kill();
        // Promoted once a live node names another primary for the slot, and every slot is served.
        await cluster.untilPromoted(slot, primary);
        await cluster.untilHealthy(20_000);
      },
      // A reply deadline (3 s) longer than ioredis's own retries on a dead node. The first instance
      // has ioredis's defaults (16 redirections 100 ms apart): they may bridge a quick promotion, so
      // its loop may not even notice. The second one's ioredis gives up after 2, long before the
      // replica is promoted (cluster-node-timeout is 1 s): its loop's XREAD fails with "Too many
      // Cluster redirections" or CLUSTERDOWN, and the loop must reconnect, not end the streams.
      { blockMs: 500, replyGraceMs: 2500 },
      [{}, { maxRedirections: 2 }],
    );
    expect((await cluster.primaryOf(slot)).id).not.toBe(primary.id);
    expect(states[1]!.after).toContain('reconnecting');
    for (const { now } of states) expect(now).toBe('connected');
  }, 60_000);
});
