import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const RESULTS = new URL('./results.md', import.meta.url);

/**
 * Writes one `## ` section of `bench/results.md`, replacing the section with the same heading
 * line (the first line of `section`) and keeping the others, so each bench of this package
 * rewrites only its own table.
 */
export function writeResultsSection(section: string): void {
  const heading = section.split('\n', 1)[0]!;
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const sections = old
    .split(/\n(?=## )/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const at = sections.findIndex((s) => s.split('\n', 1)[0] === heading);
  if (at === -1) sections.push(section.trim());
  else sections[at] = section.trim();
  writeFileSync(RESULTS, sections.join('\n\n') + '\n');
}
