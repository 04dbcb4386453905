// `engines.node` is one range for the workspace and every package, and the root README states its
// lower bound: the Node that scripts/test-engines.sh runs the unit suites on (with the newest).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
const declared: string = manifest('.').engines.node;

describe('engines', () => {
  it('every package declares the workspace range', () => {
    const packages = readdirSync(join(root, 'packages')).map((name) => `packages/${name}`);
    expect(packages.map((dir) => [dir, manifest(dir).engines?.node])).toEqual(packages.map((dir) => [dir, declared]));
  });

  it('the root README names the lower bound the tests run on', () => {
    const oldest = /^>=\s*(\d+(?:\.\d+)*)$/.exec(declared)?.[1];
    expect(oldest, `engines.node "${declared}" is not a plain >= range`).toBeDefined();
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`Needs Node ${oldest}+`);
  });
});
