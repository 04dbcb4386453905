/**
 * Resumable streams at scale on one instance: the Redis connections the instance holds, and the
 * time from the producers' first token to the last follower's `event: end`, for one 2,000-token
 * answer followed 50 times, for 50 such answers at once, and for 500 answers of 200 tokens at
 * once (each followed once besides its start). Starts its own redis-server on an ephemeral port, writes its section of `bench/results.md`.
 *
 * Compare with another version of the package in the same process: give the path of its
 * `src/index.ts` in `SSE_RX_BASELINE` (e.g. a `git archive` of main with this package's
 * node_modules linked in).
 *
 * Run: pnpm --filter sse-rx-redis bench:resumable
 */
import { execSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { lastValueFrom, map, mergeMap, range, ReplaySubject, take, timeout } from 'rxjs';
import { createResumableStreams, type ResumableStore } from 'sse-rx-server';
import { createRedisResumableStore } from '../src/index.js';
import { startRedisServer } from '../test/redisServer.js';
import { writeResultsSection } from './resultsSection.js';

const ROUNDS = 3;
/** [answers, followers of each, tokens of each] */
const SCENARIOS: Array<[number, number, number]> = [
  [1, 50, 2_000],
  [50, 1, 2_000],
  [500, 1, 200],
];

type StoreFactory = (config: { redis: Redis; prefix: string }) => ResumableStore;

interface Row {
  version: string;
  answers: number;
  followers: number;
  tokens: number;
  seconds: number;
  connections: number;
}

/** Runs one scenario; resolves to the seconds from the first token to the last end, and the most connections seen. */
async function run(
  port: number,
  createStore: StoreFactory,
  prefix: string,
  answers: number,
  followers: number,
  tokens: number,
): Promise<{ seconds: number; connections: number }> {
  const redis = new Redis({ host: '127.0.0.1', port });
  const admin = new Redis({ host: '127.0.0.1', port });
  const adminId = await admin.client('ID');
  const store = createStore({ redis, prefix });
  const streams = createResumableStreams({ store });
  // Replayed: a producer subscribed after the go still starts.
  const go = new ReplaySubject<void>(1);
  const tokens$ = go.pipe(
    take(1),
    mergeMap(() => range(0, tokens)),
    map((n) => ({ event: 'token', data: `token ${n} ` })),
  );
  const ids = Array.from({ length: answers }, (_, n) => `a${n}`);
  const drain = (source$: ReturnType<typeof streams.follow>): Promise<unknown> =>
    lastValueFrom(source$.pipe(timeout(60_000)));
  const started = ids.map((id) => drain(streams.start(id, tokens$)));
  for (const id of ids) while (!(await store.find(id))) await new Promise((resolve) => setTimeout(resolve, 5));
  const followed = ids.flatMap((id) => Array.from({ length: followers }, () => drain(streams.follow(id))));
  let most = 0;
  const count = async (): Promise<void> => {
    const list = (await admin.client('LIST')) as string;
    const held = list.split('\n').filter((line) => line.startsWith('id=') && !line.startsWith(`id=${adminId} `));
    most = Math.max(most, held.length);
  };
  const begin = performance.now();
  go.next();
  let done = false;
  const all = Promise.all([...started, ...followed]).finally(() => (done = true));
  while (!done) await Promise.race([all, count(), new Promise((resolve) => setTimeout(resolve, 25))]);
  await all;
  const seconds = (performance.now() - begin) / 1000;
  redis.disconnect();
  admin.disconnect();
  return { seconds, connections: most };
}

const versions: Array<[string, StoreFactory]> = [['shared read loop (this branch)', createRedisResumableStore]];
if (process.env.SSE_RX_BASELINE) {
  const baseline = (await import(process.env.SSE_RX_BASELINE)) as { createRedisResumableStore: StoreFactory };
  versions.unshift(['baseline (SSE_RX_BASELINE)', baseline.createRedisResumableStore]);
}
const redisVersion = /v=(\S+)/.exec(execSync('redis-server --version').toString())?.[1] ?? 'unknown';
const server = await startRedisServer();
const rows: Row[] = [];
try {
  for (const [answers, followers, tokens] of SCENARIOS) {
    for (const [version, createStore] of versions) {
      const runs: Array<{ seconds: number; connections: number }> = [];
      for (let round = 0; round < ROUNDS; round++) {
        runs.push(await run(server.port, createStore, `r${rows.length}-${round}:`, answers, followers, tokens));
      }
      const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      const row = {
        version,
        answers,
        followers,
        tokens,
        seconds: best.seconds,
        connections: Math.max(...runs.map((r) => r.connections)),
      };
      rows.push(row);
      console.log(row, runs.map((r) => r.seconds.toFixed(3)).join(' '));
    }
  }
} finally {
  await server.kill();
}

const table = [
  `## sse-rx-redis resumable streams on one instance`,
  ``,
  `Answers produced at once by \`createResumableStreams\` on \`createRedisResumableStore\` (each token one XADD, one at a`,
  `time per answer), each followed by its start and \`followers\` \`follow()\` calls, all in one`,
  `Node ${process.version} process on 2 shared cores; redis-server ${redisVersion} on 127.0.0.1; ${new Date().toISOString().slice(0, 10)}.`,
  `Time: from the producers' first token to the last follower's \`event: end\` (best of ${ROUNDS}). Connections: the most`,
  `the redis-server held for the instance (\`CLIENT LIST\`, sampled every 25 ms), its own client included.`,
  ``,
  `| version | answers | followers of each | tokens of each | seconds | Redis connections |`,
  `| --- | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map(
    (r) =>
      `| ${r.version} | ${r.answers} | ${r.followers} | ${r.tokens.toLocaleString('en-US')} | ${r.seconds.toFixed(3)} | ${r.connections} |`,
  ),
  ``,
].join('\n');
writeResultsSection(table);
console.log(table);
