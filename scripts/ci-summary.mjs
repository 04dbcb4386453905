// CI's closing lines: every failed test of `pnpm test` (.vitest-report.json) and of the engines runs
// (.vitest-engines-<version>.json, scripts/test-engines.sh), and every test that passed only on its
// retry there (FLAKY), each with its first error line; then the count line of `pnpm test`. They come
// last so that a cut CI log still names them.
// Usage: node scripts/ci-summary.mjs  (exits 1 when no test ran)
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const reports = [['', '.vitest-report.json']];
for (const name of readdirSync('.').sort()) {
  const version = /^\.vitest-engines-(.+)\.json$/.exec(name)?.[1];
  if (version) reports.push([` (Node ${version})`, name]);
}

const read = reports
  .filter(([, file]) => existsSync(file))
  .map(([label, file]) => [label, JSON.parse(readFileSync(file, 'utf8'))]);
const main = read.find(([label]) => label === '')?.[1];
for (const [label, report] of read) {
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults) {
      // A test that passed with errors on record passed on a retry (scripts/test-engines.sh).
      const verdict = test.status === 'failed' ? 'FAILED' : test.failureMessages.length > 0 ? 'FLAKY' : undefined;
      if (verdict === undefined) continue;
      const firstLine = test.failureMessages
        .join('\n')
        .split('\n')
        .find((line) => line.trim() && !line.includes('STACK_TRACE_ERROR'));
      const retried = verdict === 'FLAKY' ? ' (passed on its retry)' : '';
      console.log(`${verdict}${label} ${suite.name.replace(`${process.cwd()}/`, '')} > ${test.fullName}${retried}`);
      console.log(`  ${firstLine ?? ''}`);
    }
    // A file that failed to load, or whose hook failed (its tests skipped), has no failed test.
    if (suite.status === 'failed' && !suite.assertionResults.some((test) => test.status === 'failed')) {
      console.log(
        `FAILED${label} ${suite.name.replace(`${process.cwd()}/`, '')}: ${suite.message.split('\n').find((line) => line.trim()) ?? 'a hook failed, its tests were skipped (see the log above)'}`,
      );
    }
  }
}

if (!main || main.numTotalTests === 0) {
  console.error('no test ran');
  process.exit(1);
}
const skipped = main.numPendingTests ? `, ${main.numPendingTests} skipped` : '';
console.log(`${main.numPassedTests} passed, ${main.numFailedTests} failed${skipped}`);
