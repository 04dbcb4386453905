// Assembles a results page from the `results*.md` files in each package's `<folder>/` and in
// `test/<folder>/`, with the machine it ran on. Several folders may be given, comma-separated.
// Usage: node scripts/collect-results.mjs bench BENCHMARKS.md "Benchmarks"
//        node scripts/collect-results.mjs fuzz,soak,faults RELIABILITY.md "Reliability"
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [folders, output, title] = process.argv.slice(2);
if (!folders || !output || !title) throw new Error('usage: collect-results.mjs <folder[,folder]> <output.md> <title>');

const places = folders
  .split(',')
  .flatMap((folder) => [...readdirSync('packages').map((name) => `packages/${name}/${folder}`), `test/${folder}`]);
const sections = places
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => /^results.*\.md$/.test(file))
      .sort()
      .map((file) => `${dir}/${file}`),
  )
  .map((path) => readFileSync(path, 'utf8').trim());

const names = folders.split(',').map((folder) => `\`pnpm ${folder}\``);
const scripts = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
const header = [
  `# ${title}`,
  '',
  `Written by ${scripts} from the \`results*.md\` files of the packages and test/; figures are from the last run on the`,
  'machine below. Where a peer is compared, it ran in the same process and run: read the ratios, not the absolute numbers.',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB,`,
  `${os.type()} ${os.release()}, Node ${process.version}. Run on ${new Date().toISOString().slice(0, 10)}.`,
];
writeFileSync(output, [...header, '', ...sections.map((s) => s + '\n')].join('\n'));
console.log(`${output} written from ${sections.length} section(s)`);
