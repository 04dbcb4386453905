import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** One redis-server of a {@link RedisCluster}. */
export interface ClusterNode {
  readonly port: number;
  /** Its cluster node id (`CLUSTER MYID`). */
  readonly id: string;
  /** Kills it with SIGKILL (a crashed primary: its replica is promoted after `cluster-node-timeout`). */
  kill(): Promise<void>;
  /** True until {@link ClusterNode.kill}. */
  readonly alive: boolean;
}

/** A Redis Cluster of redis-server child processes on ephemeral ports of 127.0.0.1, each in a temp dir. */
export interface RedisCluster {
  /** Every node, primaries first (as `redis-cli --cluster create` paired them: primary i has replica i + primaries). */
  readonly nodes: readonly ClusterNode[];
  /** `host:port` pairs to give ioredis `Cluster` as startup nodes. */
  readonly startupNodes: Array<{ host: string; port: number }>;
  /** The live node serving `slot` as primary, asked of a live node (`CLUSTER SHARDS` view via `CLUSTER SLOTS`). */
  primaryOf(slot: number): Promise<ClusterNode>;
  /** The slot of `key` (`CLUSTER KEYSLOT`, asked of the cluster). */
  slotOf(key: string): Promise<number>;
  /** Moves `slot` with its keys from its primary to `to` (IMPORTING/MIGRATING, `MIGRATE`, `SETSLOT NODE`), as `redis-cli --cluster reshard` does. */
  moveSlot(slot: number, to: ClusterNode): Promise<void>;
  /**
   * Resolves once a live node names a primary other than `from` for `slot` (a replica promoted after
   * `from` died; while no primary serves the slot at all, it is not promoted yet).
   */
  untilPromoted(slot: number, from: ClusterNode, timeoutMs?: number): Promise<void>;
  /** Resolves once every live node sees all 16,384 slots served and `cluster_state:ok`. */
  untilHealthy(timeoutMs?: number): Promise<void>;
  /** Kills every node and removes the temp dir. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisCluster}. */
export interface RedisClusterConfig {
  /** @default 3 */
  primaries?: number;
  /** Replicas per primary. @default 1 */
  replicas?: number;
  /** `cluster-node-timeout`: how long a primary is unreachable before its replica is promoted. @default 1000 */
  nodeTimeoutMs?: number;
}

/** Starts a Redis Cluster (`redis-server --cluster-enabled yes` + `redis-cli --cluster create`) and waits until it is healthy. */
export async function startRedisCluster(config: RedisClusterConfig = {}): Promise<RedisCluster> {
  const { primaries = 3, replicas = 1, nodeTimeoutMs = 1000 } = config;
  const dir = mkdtempSync(join(tmpdir(), 'sse-rx-cluster-'));
  const children: ChildProcess[] = [];
  const admin = new Map<number, Redis>();
  const stop = async (): Promise<void> => {
    for (const connection of admin.values()) connection.disconnect();
    await Promise.all(children.map(killChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await clusterPorts(primaries * (1 + replicas));
    for (const port of ports) {
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const args = [
        ['--port', String(port)],
        ['--bind', '127.0.0.1'],
        ['--cluster-enabled', 'yes'],
        ['--cluster-config-file', 'nodes.conf'],
        ['--cluster-node-timeout', String(nodeTimeoutMs)],
        ['--dir', nodeDir],
        ['--save', ''],
        ['--appendonly', 'no'],
      ].flat();
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    const connect = (port: number): Redis => {
      let connection = admin.get(port);
      if (!connection) {
        // One attempt per command: a killed node must not be retried for ever.
        connection = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null });
        connection.on('error', () => undefined);
        admin.set(port, connection);
      }
      return connection;
    };
    await Promise.all(ports.map((port) => untilAnswers(connect(port))));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    const ids = await Promise.all(ports.map(async (port) => String(await connect(port).cluster('MYID'))));
    const nodes: ClusterNode[] = ports.map((port, i) => ({
      port,
      id: ids[i] as string,
      get alive() {
        return children[i]?.exitCode === null && children[i]?.signalCode === null;
      },
      kill: async () => {
        admin.get(port)?.disconnect();
        admin.delete(port);
        await killChild(children[i] as ChildProcess);
      },
    }));
    const anyLive = (): Redis => connect(nodes.find((node) => node.alive)!.port);
    const cluster: RedisCluster = {
      nodes,
      startupNodes: ports.map((port) => ({ host: '127.0.0.1', port })),
      async primaryOf(slot) {
        const ranges = await anyLive().cluster('SLOTS');
        const range = ranges.find(([from, to]) => from <= slot && slot <= to);
        const node = nodes.find(({ id }) => id === range?.[2]?.[2]);
        if (!node) throw new Error(`no primary serves slot ${slot}`);
        return node;
      },
      async slotOf(key) {
        return Number(await anyLive().cluster('KEYSLOT', key));
      },
      async moveSlot(slot, to) {
        const from = await cluster.primaryOf(slot);
        const source = connect(from.port);
        const target = connect(to.port);
        await target.cluster('SETSLOT', slot, 'IMPORTING', from.id);
        await source.cluster('SETSLOT', slot, 'MIGRATING', to.id);
        for (;;) {
          const keys = (await source.cluster('GETKEYSINSLOT', slot, 100)) as string[];
          if (keys.length === 0) break;
          await source.migrate('127.0.0.1', to.port, '', 0, 10_000, 'KEYS', ...keys);
        }
        await target.cluster('SETSLOT', slot, 'NODE', to.id);
        await source.cluster('SETSLOT', slot, 'NODE', to.id);
        for (const node of nodes)
          if (node.alive && node !== from && node !== to)
            await connect(node.port)
              .cluster('SETSLOT', slot, 'NODE', to.id)
              .catch(() => undefined);
      },
      async untilPromoted(slot, from, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        while ((await cluster.primaryOf(slot).catch(() => from)).id === from.id) {
          if (Date.now() > deadline) throw new Error(`slot ${slot} had no new primary within ${timeoutMs} ms`);
          await sleep(50);
        }
      },
      async untilHealthy(timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        const healthy = async (node: ClusterNode): Promise<boolean> => {
          const info = String(await connect(node.port).cluster('INFO'));
          return info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384');
        };
        for (;;) {
          const live = nodes.filter((node) => node.alive);
          const states = await Promise.all(live.map((node) => healthy(node).catch(() => false)));
          if (states.every(Boolean)) return;
          if (Date.now() > deadline) throw new Error(`the Redis cluster was not healthy within ${timeoutMs} ms`);
          await sleep(50);
        }
      },
      stop,
    };
    await cluster.untilHealthy();
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `count` ports below 55,535 whose cluster bus port (port + 10,000) is free too. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  // Bounded: each attempt draws a random port; collisions with other tests are rare.
  for (let attempt = 0; ports.length < count && attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (ports.includes(port) || ports.includes(port + 10_000) || ports.includes(port - 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count)
    throw new Error(`found only ${ports.length} of ${count} free port pairs for the Redis cluster`);
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function untilAnswers(connection: Redis): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (connection.status !== 'ready') {
      // retryStrategy null: a refused connection ends; connect again.
      await connection.connect().catch(() => undefined);
    }
    if (
      await connection.ping().then(
        () => true,
        () => false,
      )
    )
      return;
    await sleep(25);
  }
  throw new Error(`redis-server on port ${connection.options.port} did not answer PING within 5 s`);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
