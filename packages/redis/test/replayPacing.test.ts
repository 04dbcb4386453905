import { toReadableStream } from 'sse-rx-server';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { append, useRedisSuite } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';
import { readNumbers } from '../../../test/support/readNumbers.js';

const TEXT = 'Grüße aus Köln, 東京の天気は晴れ, ça va 👍 '.repeat(20);

describe.skipIf(!redisServerAvailable)('a Redis replay is paced by the client connection', () => {
  const suite = useRedisSuite();

  it('waits for a reader that pauses: a backlog 30x the per-client bound arrives whole, no SseSlowClientError', async () => {
    const count = 2000;
    const first = await append(suite.publisher, 'paced', { data: 'start' }, { maxEvents: Infinity });
    for (let n = 0; n < count; n += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          append(suite.publisher, 'paced', { event: 'msg', data: `${n + k} ${TEXT}` }, { maxEvents: Infinity }),
        ),
      );
    }
    const store = createRedisStore({ redis: suite.redis, stream: 'paced', maxReplay: Infinity });
    const body = toReadableStream(store.stream(first), { backpressure: { maxBufferBytes: 64 * 1024 } });
    const reader = body.getReader();
    // Nothing is read until Redis has sent more than the bound: the replay must wait for the reader.
    const before = Number(/total_net_output_bytes:(\d+)/.exec(await suite.publisher.info('stats'))?.[1]);
    for (let turn = 0; turn < 200; turn++) {
      const sent = Number(/total_net_output_bytes:(\d+)/.exec(await suite.publisher.info('stats'))?.[1]) - before;
      if (sent > 256 * 1024) break;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(await readNumbers(reader, count)).toEqual(Array.from({ length: count }, (_, n) => n));
  });
});
