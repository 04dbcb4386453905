import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { eventStoreContract } from 'sse-rx-server/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createJournalStore } from '../src/journalStore.js';

const dir = mkdtempSync(join(tmpdir(), 'sse-rx-demo-journal-'));
let files = 0;
const fresh = () => join(dir, `journal-${++files}.ndjson`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo journal store', () => {
  const cases = eventStoreContract(({ maxEvents }) => createJournalStore({ path: fresh(), maxEvents }), {
    resetIds: {
      future: (_store, newestId) => newestId.replace(/\d+$/, (seq) => String(Number(seq) + 5)),
      unknown: (_store, newestId) =>
        newestId.replace(/^[0-9a-f]{8}/, (name) => (name === '00000000' ? '11111111' : '00000000')),
    },
  });
  for (const check of cases) it(check.name, () => check.run());

  it('serves the same ids after a restart (the file read back), so a client resumes with no gap', async () => {
    const path = fresh();
    const before = createJournalStore({ path });
    const ids = [];
    for (let n = 1; n <= 4; n++) ids.push(await before.append({ event: 'tick', data: String(n) }));
    const after = createJournalStore({ path });
    expect(after.last()).toEqual({ event: 'tick', data: '4', id: ids[3] });
    const resumed = firstValueFrom(after.stream(ids[1]).pipe(take(3), toArray()));
    await after.append({ event: 'tick', data: '5' });
    expect((await resumed).map((m) => m.data)).toEqual(['3', '4', '5']);
  });
});
