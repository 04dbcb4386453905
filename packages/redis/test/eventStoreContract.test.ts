import { eventStoreContract } from 'sse-rx-server/testing';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { useRedisSuite } from './helpers.js';
import { redisServerAvailable } from './redisServer.js';

describe.skipIf(!redisServerAvailable)('eventStoreContract on createRedisStore', () => {
  const suite = useRedisSuite();
  let streams = 0;
  const cases = eventStoreContract(
    ({ maxEvents }) =>
      createRedisStore({ redis: suite.redis, stream: `contract-${++streams}`, maxEvents, exactTrim: true }),
    { resetIds: { future: () => '99999999999999-0' } },
  );

  it('has a case for the trimmed, future and malformed resets (Redis ids are global: no epoch)', () => {
    expect(cases.map((c) => c.name).filter((name) => name.includes('id with a reset'))).toHaveLength(3);
  });
  for (const check of cases) it(check.name, () => check.run());
});
