// Assembles BENCHMARKS.md from each package's bench/results.md, with the machine it ran on.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const sections = readdirSync('packages')
  .map((name) => `packages/${name}/bench/results.md`)
  .filter((path) => existsSync(path))
  .map((path) => readFileSync(path, 'utf8').trim());

const header = [
  '# Benchmarks',
  '',
  'Written by `pnpm bench`; numbers are from the last run on the machine below. Compare the ratios, not',
  'the absolute numbers: every peer runs in the same process and run as sse-rx.',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB,`,
  `${os.type()} ${os.release()}, Node ${process.version}. Run on ${new Date().toISOString().slice(0, 10)}.`,
];
writeFileSync('BENCHMARKS.md', [...header, '', ...sections.map((s) => s + '\n')].join('\n'));
console.log('BENCHMARKS.md written');
