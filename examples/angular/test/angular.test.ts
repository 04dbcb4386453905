import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const ngc = join(root, 'node_modules/@angular/compiler-cli/bundles/src/bin/ngc.js');

describe('the Angular example', () => {
  it('builds with the Angular compiler in strict template mode', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sse-rx-angular-'));
    try {
      const result = spawnSync(process.execPath, [ngc, '-p', 'tsconfig.json', '--outDir', outDir], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
      // AOT output: the component's template compiled to instructions, the service injectable in root.
      expect(readFileSync(join(outDir, 'app/ticks.component.js'), 'utf8')).toContain('ɵɵdefineComponent');
      expect(readFileSync(join(outDir, 'app/ticks.service.js'), 'utf8')).toContain("providedIn: 'root'");
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 130_000);
});
