// Assembles a results page from each package's `<folder>/results.md`, with the machine it ran on.
// Usage: node scripts/collect-results.mjs bench BENCHMARKS.md "Benchmarks"
//        node scripts/collect-results.mjs fuzz RELIABILITY.md "Reliability"
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [folder, output, title] = process.argv.slice(2);
if (!folder || !output || !title) throw new Error('usage: collect-results.mjs <folder> <output.md> <title>');

const sections = readdirSync('packages')
  .map((name) => `packages/${name}/${folder}/results.md`)
  .filter((path) => existsSync(path))
  .map((path) => readFileSync(path, 'utf8').trim());

const header = [
  `# ${title}`,
  '',
  `Written by \`pnpm ${folder}\` from each package's \`${folder}/results.md\`; figures are from the last run on the`,
  'machine below. Where a peer is compared, it ran in the same process and run: read the ratios, not the absolute numbers.',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB,`,
  `${os.type()} ${os.release()}, Node ${process.version}. Run on ${new Date().toISOString().slice(0, 10)}.`,
];
writeFileSync(output, [...header, '', ...sections.map((s) => s + '\n')].join('\n'));
console.log(`${output} written from ${sections.length} section(s)`);
