import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, installed by `.ci/run` (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when a Chromium binary is present; browser suites skip loudly otherwise. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core, with the flags this sandbox needs.
 * @param extraArgs - more Chromium flags, e.g. `--ignore-certificate-errors` for a test's self-signed certificate.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sse-rx-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
