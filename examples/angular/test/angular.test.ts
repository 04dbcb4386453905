import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../../test/support/browser.js';
import { waitFor } from '../../../test/support/http.js';
import { start } from '../server/start.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ngc = join(root, 'node_modules/@angular/compiler-cli/bundles/src/bin/ngc.js');

describe('the Angular example', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sse-rx-angular-'));
  let build: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    build = spawnSync(process.execPath, [ngc, '-p', 'tsconfig.json', '--outDir', outDir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
  }, 130_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds with the Angular compiler in strict template mode', () => {
    expect(`${build.stdout}${build.stderr}`).toBe('');
    expect(build.status).toBe(0);
    // AOT output: the component's template compiled to instructions, the service injectable in root.
    expect(readFileSync(join(outDir, 'app/ticks.component.js'), 'utf8')).toContain('ɵɵdefineComponent');
    expect(readFileSync(join(outDir, 'app/ticks.service.js'), 'utf8')).toContain("providedIn: 'root'");
  });

  it.skipIf(!hasChromium)(
    'serves the app and its stream; the component shows live ticks in Chromium',
    async () => {
      expect(build.status).toBe(0);
      const running = await start(0, outDir, 100);
      const browser = await launchBrowser();
      try {
        const tab = await browser.context.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(running.url);
        await waitFor(async () => (await tab.locator('app-ticks li').count()) >= 3, 15_000, 'three ticks in the list');
        expect(await tab.locator('app-ticks h1').textContent()).toBe('sse-rx + Angular signals');
        expect(await tab.locator('app-ticks p').first().textContent()).toBe('connection: open');
        expect(await tab.locator('app-ticks .price').textContent()).toMatch(/^price \d+\.\d\d at \d{4}-/);
        // Newest first, consecutive tick numbers: live events, in order, none lost.
        const items = await tab.locator('app-ticks li').allTextContents();
        const numbers = items.map((text) => Number(text.match(/^#(\d+):/)?.[1]));
        expect(numbers[0]! - numbers[1]!).toBe(1);
        expect(numbers[1]! - numbers[2]!).toBe(1);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
        await running.close();
      }
    },
    60_000,
  );
});
