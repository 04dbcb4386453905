// What a user gets from npm, checked before anyone publishes (run by .ci/run after `pnpm build`):
// each package is packed (`pnpm pack`, the tarball `pnpm publish` would upload) and installed ALONE
// with npm into a fresh project outside the monorepo, beside only its peers (rxjs; ioredis for
// sse-rx-redis). Workspace dependencies (sse-rx-codec) come from their own tarballs through npm
// `overrides`, as they would come from the registry. Then, per package:
//   - the tarball holds package.json, README.md, LICENSE, CHANGELOG.md and every file `exports`,
//     `main`, `module` and `types` name, and no `workspace:` range;
//   - attw (@arethetypeswrong/cli) finds no problem in the tarball;
//   - ESM `import` and CJS `require` load it in Node and give the same export names;
//   - TypeScript compiles a consumer (ESM and CJS files) under node16 and bundler resolution with
//     `skipLibCheck: false`, so the shipped .d.ts files are checked too; the packages in WEB also
//     compile for a Web runtime (`types: []`, DOM lib, no @types/node);
//   - esbuild drops the whole package from a bundle that imports nothing from it (`sideEffects`);
//   - sse-rx-angular also installs beside each Angular major its peer range names (21 and 22; a
//     newer major on the registry that the range misses is reported), one fresh project each,
//     where the Angular compiler (ngc, strict templates) builds a component that uses it: the
//     repo's own tests run on one Angular, this keeps every supported major covered.
// Prints tarball, install and bundle sizes. Usage: node scripts/check-packages.mjs [--keep]
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

/** Packages whose types must compile without @types/node (Web runtimes: browsers, Workers, Deno). */
const WEB = ['sse-rx-client', 'sse-rx-codec', 'sse-rx-server'];
/** Instances the user owns and installs beside the package, whatever the manifest says. */
const USER_INSTALLS = { 'sse-rx-redis': ['ioredis'], 'sse-rx-angular': ['@angular/compiler'] };
/**
 * Modules Node loads before the package. Angular's own packages ship partially compiled: an app's
 * build (the CLI's linker) finishes them, and plain Node needs `@angular/compiler` loaded first.
 */
const PRELOAD = { 'sse-rx-angular': '@angular/compiler' };
/** Packages whose consumers always compile with the DOM lib (Angular's types need it). */
const DOM_LIB = ['sse-rx-angular'];
/**
 * ESM-only packages (as Angular is): attw with its esm-only profile, no CommonJS file in the
 * TypeScript check; CJS `require` still loads them (Node 20.19+ requires ES modules).
 */
const ESM_ONLY = ['sse-rx-angular'];
/**
 * Packages built with the Angular compiler once per Angular major of their peer range (ANGULAR_APP
 * is the consumer's code), beside that major's core, common, compiler and compiler-cli.
 */
const ANGULAR = ['sse-rx-angular'];
/** The consumer of ANGULAR: a component and an app config that use every part of sse-rx-angular. */
const ANGULAR_APP = `import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { type ApplicationConfig, Component, signal } from '@angular/core';
import { map } from 'rxjs';
import { provideSseRx, sseResource, sseRxInterceptor } from 'sse-rx-angular';
import { ofType, parseJson } from 'sse-rx-client';

@Component({
  selector: 'app-ticks',
  template: \`
    <p>{{ ticks.status() }}: {{ ticks.value().toFixed(0) }}</p>
    @if (ticks.error(); as error) { <p>{{ error.message }}</p> }
    <button (click)="room.set('b')">b</button> <button (click)="ticks.reload()">again</button>
  \`,
})
export class TicksComponent {
  readonly room = signal('a');
  readonly ticks = sseResource({
    params: () => ({ room: this.room() }),
    url: ({ room }) => \`/events?room=\${encodeURIComponent(room)}\`,
    stream: ({ events$ }) => events$.pipe(ofType('tick'), parseJson<{ n: number }>(), map((event) => event.data.n)),
    defaultValue: 0,
  });
}

export const appConfig: ApplicationConfig = {
  providers: [provideHttpClient(withFetch(), withInterceptors([sseRxInterceptor])), provideSseRx()],
};
`;
/** `<package>: <check>` -> why it fails today. A listed check that passes fails the run: remove it then. */
const EXPECTED_FAILURES = {};

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const tsc = require.resolve('typescript/bin/tsc');
const attw = join(root, 'node_modules/.bin/attw');
const esbuild = require('esbuild');
const work = mkdtempSync(join(tmpdir(), 'sse-rx-consumers-'));
const failures = [];

const runSync = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const run = async (cmd, args, cwd) =>
  (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })).stdout;
/** Runs one check of a package; its line goes to that package's report (packages run concurrently). */
const checker = (name, report) => async (label, fn) => {
  const started = performance.now();
  try {
    await fn();
    report.push(`  ok   ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    const output = [error.stdout, error.stderr].filter(Boolean).join('\n').trim() || String(error.message);
    const known = EXPECTED_FAILURES[`${name}: ${label}`];
    if (known) return void report.push(`  known failure (${known}): ${label}\n${output.replace(/^/gm, '       ')}`);
    report.push(`  FAIL ${label}\n${output.replace(/^/gm, '       ')}`);
    failures.push(`${name}: ${label}`);
    return;
  }
  if (EXPECTED_FAILURES[`${name}: ${label}`]) {
    report.push('  FAIL this check was listed in EXPECTED_FAILURES and now passes: remove it from the list');
    failures.push(`${name}: ${label}`);
  }
};
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const duBytes = (dir) => Number(runSync('du', ['-sb', dir]).split('\t')[0]);
const targets = (value) =>
  typeof value === 'string'
    ? [value]
    : Object.entries(value ?? {}).flatMap(([key, v]) => (key === 'sse-rx-source' ? [] : targets(v)));

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private);

// Pack every package first: a package's workspace dependencies install from these tarballs.
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const tarballOf = {};
for (const { dir, manifest } of packages) {
  runSync('pnpm', ['pack', '--pack-destination', tarballs], dir);
  tarballOf[manifest.name] = join(tarballs, `${manifest.name}-${manifest.version}.tgz`);
}
// One @types/node for every consumer (TypeScript looks in each ancestor's node_modules/@types).
writeFileSync(join(work, 'package.json'), JSON.stringify({ private: true }));
runSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '@types/node@^20.19.0'], work);

const sizes = [];
/** All checks of one package, in order; its report is printed when it is done. */
const checkPackage = async ({ manifest }) => {
  const { name } = manifest;
  const report = [`${name}@${manifest.version}`];
  const check = checker(name, report);
  const tarball = tarballOf[name];
  const unpacked = join(work, 'unpacked', name);
  mkdirSync(unpacked, { recursive: true });
  runSync('tar', ['-xzf', tarball, '-C', unpacked]);
  const packed = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8'));

  await check('tarball: package.json, README.md, LICENSE, CHANGELOG.md and every exported file', () => {
    const wanted = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', packed.main, packed.module, packed.types];
    const missing = [...wanted, ...targets(packed.exports)].filter((file) => {
      try {
        return !statSync(join(unpacked, 'package', file)).isFile();
      } catch {
        return true;
      }
    });
    if (missing.length > 0) throw new Error(`missing from the tarball: ${missing.join(', ')}`);
    const text = JSON.stringify(packed);
    if (text.includes('workspace:')) throw new Error('packed package.json still has a workspace: range');
  });
  const profile = ESM_ONLY.includes(name) ? ['--profile', 'esm-only'] : [];
  await check('attw (are the types wrong)', () => run(attw, [tarball, '--format', 'ascii', ...profile]));

  // The consumer: the package and what the user owns (peers), nothing else.
  const project = join(work, name);
  mkdirSync(project);
  const workspaceDeps = (pkg) =>
    Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })
      .filter(([dep]) => tarballOf[dep])
      .flatMap(([dep]) => [dep, ...workspaceDeps(packages.find((p) => p.manifest.name === dep).manifest)]);
  const overrides = Object.fromEntries(workspaceDeps(manifest).map((dep) => [dep, `file:${tarballOf[dep]}`]));
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
    (dep) => !manifest.peerDependenciesMeta?.[dep]?.optional,
  );
  const dependencies = { [name]: `file:${tarball}` };
  for (const dep of [...peers, ...(USER_INSTALLS[name] ?? [])]) {
    dependencies[dep] = tarballOf[dep]
      ? `file:${tarballOf[dep]}`
      : (manifest.peerDependencies?.[dep] ?? manifest.dependencies?.[dep] ?? 'latest');
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies, overrides }, null, 2),
  );
  await check(`npm install ${Object.keys(dependencies).join(' ')}`, () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project),
  );

  let names = [];
  const preload = PRELOAD[name];
  await check('Node: ESM import and CJS require give the same exports', async () => {
    const required = preload ? `require(${JSON.stringify(preload)}); ` : '';
    const imported = preload ? `await import(${JSON.stringify(preload)}); ` : '';
    names = JSON.parse(
      await run(
        'node',
        ['-e', `${required}console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)})).sort()))`],
        project,
      ),
    );
    const esm = JSON.parse(
      await run(
        'node',
        [
          '--input-type=module',
          '-e',
          `${imported}const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`,
        ],
        project,
      ),
    );
    if (names.length === 0) throw new Error('no export');
    if (JSON.stringify(esm) !== JSON.stringify(names)) throw new Error(`ESM ${esm.join(',')}\nCJS ${names.join(',')}`);
  });

  // Every runtime export used by name, and the whole namespace's type, from an ESM and a CJS file.
  const use = `import * as pkg from '${name}';\nimport { ${names.join(', ')} } from '${name}';\nexport type Everything = typeof pkg;\nexport const used = [${names.join(', ')}];\n`;
  writeFileSync(join(project, 'esm.ts'), use);
  writeFileSync(join(project, 'cjs.cts'), use);
  const lib = DOM_LIB.includes(name) ? ['es2022', 'dom', 'dom.iterable'] : ['es2022'];
  const compilerOptions = { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, lib };
  const tsconfigs = {
    node16: {
      compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16', types: ['node'] },
      files: ESM_ONLY.includes(name) ? ['esm.ts'] : ['esm.ts', 'cjs.cts'],
    },
    bundler: {
      compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler', types: ['node'] },
      files: ['esm.ts'],
    },
  };
  if (WEB.includes(name)) {
    tsconfigs.web = {
      compilerOptions: {
        ...compilerOptions,
        module: 'esnext',
        moduleResolution: 'bundler',
        types: [],
        lib: ['es2022', 'dom', 'dom.iterable'],
      },
      files: ['esm.ts'],
    };
  }
  for (const [kind, tsconfig] of Object.entries(tsconfigs)) {
    writeFileSync(join(project, `tsconfig.${kind}.json`), JSON.stringify(tsconfig, null, 2));
    const detail =
      kind === 'web'
        ? 'types: [], DOM lib'
        : kind === 'node16' && !ESM_ONLY.includes(name)
          ? 'ESM and CJS files'
          : 'ESM file';
    await check(`TypeScript ${kind} resolution (${detail}, skipLibCheck false)`, () =>
      run('node', [tsc, '-p', `tsconfig.${kind}.json`], project),
    );
  }

  await check('bundler: a bundle that imports nothing from it is empty (sideEffects)', () => {
    const { outputFiles } = esbuild.buildSync({
      stdin: { contents: `import '${name}';`, resolveDir: project },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      minify: true,
      logLevel: 'error',
    });
    const text = outputFiles[0].text.trim();
    if (text.length > 0) throw new Error(`bundle kept ${text.length} bytes:\n${text.slice(0, 300)}`);
  });
  let bundle = 0;
  await check('bundler: everything exported, minified (rxjs, Angular and node: builtins left out)', () => {
    const { outputFiles } = esbuild.buildSync({
      stdin: { contents: `export * from '${name}';`, resolveDir: project },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      minify: true,
      external: ['rxjs', 'ioredis', '@angular/*'],
    });
    bundle = outputFiles[0].contents.length;
    const peerBytes = Object.keys(dependencies)
      .filter((dep) => dep !== name)
      .reduce((sum, dep) => sum + duBytes(join(project, 'node_modules', dep)), 0);
    sizes.push({
      name,
      tarball: statSync(tarball).size,
      unpacked: duBytes(join(unpacked, 'package')),
      install: duBytes(join(project, 'node_modules')),
      peerBytes,
      bundle,
      bundleGz: gzipSync(outputFiles[0].contents).length,
    });
  });
  console.log(report.join('\n'));
};

/** The Angular majors a peer range names: `^21.0.0 || ^22.0.0` -> 21, 22. */
const majorsOf = (range) => range.split('||').map((part) => part.trim().replace(/^\^/, '').split('.')[0]);
/**
 * The Angular majors to build against: each one the peer range names. A newer major on the registry
 * that the range does not name is reported (an app on it gets npm ERESOLVE) but does not fail the
 * check: CI must not turn red on the day Angular publishes a major.
 */
const angularMajors = (range) => {
  const named = majorsOf(range);
  const newest = runSync('npm', ['view', '@angular/core', 'version']).trim().split('.')[0];
  if (!named.includes(newest))
    console.warn(
      `WARNING: Angular ${newest} is on npm and the peer range '${range}' does not name it: add it (npm ERESOLVE).`,
    );
  return named;
};
/** Installs the package beside one Angular major in a fresh project and builds ANGULAR_APP there with ngc. */
const checkAngularMajor = async ({ manifest }, major) => {
  const { name } = manifest;
  const label = `${name} with Angular ${major}`;
  const report = [label];
  const check = checker(label, report);
  const project = join(work, `${name}-angular-${major}`);
  mkdirSync(project);
  const angular = ['core', 'common', 'compiler', 'compiler-cli'].map((part) => `@angular/${part}`);
  const dependencies = {
    [name]: `file:${tarballOf[name]}`,
    'sse-rx-client': `file:${tarballOf['sse-rx-client']}`,
    rxjs: manifest.peerDependencies.rxjs,
    typescript: require('typescript/package.json').version,
    ...Object.fromEntries(angular.map((dep) => [dep, `^${major}.0.0`])),
  };
  const overrides = { 'sse-rx-codec': `file:${tarballOf['sse-rx-codec']}` };
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies, overrides }, null, 2),
  );
  writeFileSync(join(project, 'app.ts'), ANGULAR_APP);
  const tsconfig = {
    compilerOptions: {
      target: 'es2022',
      module: 'es2022',
      moduleResolution: 'bundler',
      lib: ['es2022', 'dom', 'dom.iterable'],
      types: [],
      strict: true,
      skipLibCheck: false,
      experimentalDecorators: true,
      outDir: 'out',
    },
    files: ['app.ts'],
    angularCompilerOptions: { strictTemplates: true, strictInjectionParameters: true },
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  await check(`npm install ${name} ${angular.map((dep) => `${dep}@^${major}`).join(' ')}`, () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project),
  );
  await check('ngc: a component using sseResource, strict templates, skipLibCheck false', async () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/@angular/core/package.json'), 'utf8'));
    report[0] = `${label} (@angular/core ${installed.version})`;
    await run(join(project, 'node_modules/.bin/ngc'), ['-p', 'tsconfig.json'], project);
    if (!readFileSync(join(project, 'out/app.js'), 'utf8').includes('ɵɵdefineComponent'))
      throw new Error('ngc emitted no compiled component (ɵɵdefineComponent)');
  });
  console.log(report.join('\n'));
};
await Promise.all([
  ...packages.map(checkPackage),
  ...packages
    .filter(({ manifest }) => ANGULAR.includes(manifest.name))
    .flatMap((pkg) =>
      angularMajors(pkg.manifest.peerDependencies['@angular/core']).map((major) => checkAngularMajor(pkg, major)),
    ),
]);

console.log(
  '\n| package | tarball | unpacked | node_modules after `npm i <package> <peers>` | of which peers | all exports bundled, min | min+gz |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const s of sizes.sort((a, b) => a.name.localeCompare(b.name))) {
  console.log(
    `| ${s.name} | ${kib(s.tarball)} | ${kib(s.unpacked)} | ${kib(s.install)} | ${kib(s.peerBytes)} | ${kib(s.bundle)} | ${kib(s.bundleGz)} |`,
  );
}

if (process.argv.includes('--keep')) console.log(`\nconsumer projects kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed`);
  process.exit(1);
}
console.log(`\nall package checks passed (${packages.length} packages)`);
