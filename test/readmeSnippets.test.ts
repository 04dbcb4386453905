// Every ```ts block of README.md, packages/*/README.md and examples/*/README.md, read at run time,
// is type-checked against the workspace sources (strict, as `pnpm typecheck`), so a README cannot
// drift from the API. Each block is one module of its own. A block that is deliberately a fragment
// (no imports, or it goes on from the block before) opts out with the info string `ts partial`
// (```ts partial): Markdown renderers still highlight it as TypeScript.
// The root README's quick-start server and client blocks are also run, as written, in Node: the
// server must listen and the client must print the ticks it receives.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaceDirs = (parent: string) =>
  readdirSync(join(root, parent))
    .map((name) => join(parent, name))
    .filter((dir) => existsSync(join(root, dir, 'package.json')));
const packageDirs = workspaceDirs('packages');

interface Snippet {
  readme: string;
  line: number;
  code: string;
}

/** The ```ts blocks of one Markdown file, with the line each starts on; `ts partial` blocks left out. */
function snippetsOf(readme: string): Snippet[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const info = /^```(\S*)(.*)$/.exec(lines[i] ?? '');
    if (!info) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    if (end === -1) throw new Error(`${readme}:${i + 1}: unclosed code block`);
    const partial = info[2]?.trim() === 'partial';
    if (['ts', 'typescript'].includes(info[1] ?? '') && !partial) {
      snippets.push({ readme, line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return snippets;
}

const readmes = ['README.md', ...packageDirs, ...workspaceDirs('examples')]
  .map((dir) => (dir.endsWith('.md') ? dir : join(dir, 'README.md')))
  .filter((file) => existsSync(join(root, file)));

/** The workspace's own packages, by name, compiled from their sources. */
const sources = Object.fromEntries(
  packageDirs.map((dir) => [
    JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name as string,
    join(root, dir, 'src/index.ts'),
  ]),
);

/** Package names a snippet imports, besides node: builtins and the workspace's own packages. */
function thirdParty(code: string): string[] {
  const specifiers = [...code.matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1] ?? '');
  return specifiers
    .filter((s) => !s.startsWith('node:') && !s.startsWith('.') && !sources[s])
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/** The first workspace project (the README's own first) that has every package a snippet imports. */
function homeOf(snippet: Snippet): string {
  const candidates = [dirname(snippet.readme), 'test', ...workspaceDirs('examples'), ...packageDirs, '.'];
  const has = (dir: string, name: string) =>
    existsSync(join(root, dir, 'node_modules', name)) || existsSync(join(root, 'node_modules', name));
  const needs = thirdParty(snippet.code);
  const home = candidates.find((dir) => needs.every((name) => has(dir, name)));
  if (!home) {
    throw new Error(
      `${snippet.readme}:${snippet.line}: no workspace project has ${needs.join(', ')} installed: add it as a devDependency where the README lives, or mark the block \`ts partial\``,
    );
  }
  return home;
}

describe('README snippets', () => {
  const children: ChildProcess[] = [];
  const scratch: string[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('every ```ts block of every README compiles against the workspace sources', { timeout: 120_000 }, () => {
    const snippets = readmes.flatMap(snippetsOf);
    expect(snippets.length).toBeGreaterThan(10);
    // One scratch folder per project a snippet lives in, so its imports resolve from that project.
    const folders = new Map<string, string>();
    const files = new Map<string, Snippet>();
    for (const [index, snippet] of snippets.entries()) {
      const home = homeOf(snippet);
      let folder = folders.get(home);
      if (!folder) {
        folder = mkdtempSync(join(root, home, '.readme-snippets-'));
        folders.set(home, folder);
        scratch.push(folder);
      }
      const file = join(folder, `snippet${index}.ts`);
      // `export {}` makes each block a module of its own: names never clash between blocks.
      writeFileSync(file, `${snippet.code}\nexport {};\n`);
      files.set(file, snippet);
    }
    const base = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!base) throw new Error('tsconfig.json did not parse');
    const paths = Object.fromEntries(Object.entries(sources).map(([name, file]) => [name, [file]]));
    const program = ts.createProgram([...files.keys()], {
      ...base.options,
      noEmit: true,
      paths,
      experimentalDecorators: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => {
        const snippet = files.get(d.file?.fileName ?? '') as Snippet;
        const { line } = ts.getLineAndCharacterOfPosition(d.file as ts.SourceFile, d.start ?? 0);
        return `${snippet.readme}:${snippet.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });

  it("the root README's server listens and its client prints the ticks, in Node as written", async () => {
    const [server, client] = snippetsOf('README.md').filter((s) => /\.listen\(|fromSse/.test(s.code));
    expect(server?.code).toMatch(/\.listen\(3000/);
    expect(client?.code).toContain('http://localhost:3000/');
    // The user's port 3000 becomes a free one on 127.0.0.1 here; nothing else changes.
    const port = await freePort();
    const folder = mkdtempSync(join(root, 'test', '.readme-snippets-'));
    scratch.push(folder);
    const start = (name: string, code: string) => {
      const local = code
        .replace('.listen(3000', `.listen(${port}, '127.0.0.1'`)
        .replace('localhost:3000', `127.0.0.1:${port}`);
      writeFileSync(join(folder, name), local);
      const child = spawn(join(root, 'node_modules/.bin/tsx'), ['--conditions=sse-rx-source', join(folder, name)], {
        cwd: folder,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (chunk) => (output += chunk));
      child.stderr?.on('data', (chunk) => (output += chunk));
      return () => output;
    };
    const serverOutput = start('server.ts', server?.code ?? '');
    await waitFor(
      () => canConnect(port),
      30_000,
      () => `the server snippet to listen; it printed:\n${serverOutput()}`,
    );
    const clientOutput = start('client.ts', client?.code ?? '');
    await waitFor(
      async () => /^0\n1\n/m.test(clientOutput()),
      30_000,
      () => `the client snippet to print 0 and 1; it printed:\n${clientOutput()}`,
    );
    expect(clientOutput()).toMatch(/^0\n1\n/);
  }, 90_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether a TCP connection to 127.0.0.1:`port` opens (the server listens). */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
