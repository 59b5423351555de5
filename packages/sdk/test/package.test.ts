import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRICT_APP_OPTIONS } from './support/strict-app.js';
import { markdownBlocks, snippetModule } from './support/snippets.js';

// The package as npm would ship it: `pnpm build` (the package's own script), `pnpm pack`, then
// checks on the tarball and on an app that installs it.

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['pnpm'];

function run(args: string[], cwd: string): string {
  const result = spawnSync(pnpm[0]!, [...pnpm.slice(1), ...args], { cwd, encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`pnpm ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let work: string;
let tarball: string;
let app: string;
let installed: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftm-sdk-pack-'));
  run(['--filter', '@ftm/sdk', 'build'], ROOT);
  run(['pack', '--pack-destination', work], PACKAGE);
  tarball = join(
    work,
    (await readdir(work)).find((f) => f.endsWith('.tgz'))!,
  );
  // An app that depends on the tarball: its files under node_modules/@ftm/sdk, its dependencies
  // linked from the workspace.
  app = join(work, 'app');
  installed = join(app, 'node_modules/@ftm/sdk');
  await mkdir(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const dependency of ['ky', 'eventsource-parser']) {
    await symlink(await realpath(join(PACKAGE, 'node_modules', dependency)), join(app, 'node_modules', dependency), 'dir');
  }
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'strict-app', private: true }));
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the published @ftm/sdk package', () => {
  it('ships no source-only export condition and nothing that points outside the tarball', async () => {
    const manifest = await readFile(join(installed, 'package.json'), 'utf8');
    expect(manifest).not.toContain('ftm-source');
    expect(manifest).not.toMatch(/\.\/src\//);
    const targets = [...manifest.matchAll(/"(\.\/[^"]+)"/g)].map((m) => m[1]!).filter((p) => p !== './package.json' && !p.includes('*'));
    for (const target of targets) await expect(stat(join(installed, target)), target).resolves.toBeTruthy();
  });

  it('is clean for @arethetypeswrong/cli (node10, node16 CJS and ESM, bundler)', () => {
    const result = spawnSync(pnpm[0]!, [...pnpm.slice(1), 'exec', 'attw', tarball, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    const report = JSON.parse(result.stdout) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('holds one copy of the large declaration file', async () => {
    const dist = join(installed, 'dist');
    const declarations = (await readdir(dist)).filter((f) => /\.d\.c?ts$/.test(f));
    const sizes = await Promise.all(declarations.map(async (f) => ({ f, size: (await stat(join(dist, f))).size })));
    expect(sizes.filter((s) => s.size > 100_000).map((s) => s.f)).toHaveLength(1);
  });

  it('shares its error classes between both entries, in CommonJS and in ESM', () => {
    const cjs = `const { FtmError } = require('@ftm/sdk'); const { WebhookVerificationError } = require('@ftm/sdk/webhooks');
      process.stdout.write(String(new WebhookVerificationError('x') instanceof FtmError));`;
    const esm = `import { FtmError } from '@ftm/sdk'; import { WebhookVerificationError } from '@ftm/sdk/webhooks';
      process.stdout.write(String(new WebhookVerificationError('x') instanceof FtmError));`;
    expect(execFileSync(process.execPath, ['-e', cjs], { cwd: app, encoding: 'utf8' })).toBe('true');
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', esm], { cwd: app, encoding: 'utf8' })).toBe('true');
  });

  it('compiles the README as a strict app against the published declarations, with no cast', async () => {
    const readme = markdownBlocks(await readFile(join(PACKAGE, 'README.md'), 'utf8'), 'packages/sdk/README.md');
    const prelude = `import type * as __sdk from '@ftm/sdk';
declare const ftm: __sdk.Ftm; declare const jobId: string; declare const datasetId: string; declare const runId: string;
declare const signal: AbortSignal; declare const rawBody: string; declare const request: Request;`;
    const files: string[] = [];
    for (const [i, snippet] of readme.entries()) {
      const file = join(app, `readme-${i}.mts`);
      await writeFile(file, snippetModule(snippet, prelude));
      files.push(file);
    }
    const { baseUrl: _baseUrl, paths: _paths, ...options } = STRICT_APP_OPTIONS;
    const program = ts.createProgram(files, { ...options, skipLibCheck: false, typeRoots: [join(ROOT, 'node_modules/@types')] });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => !d.file || d.file.fileName.startsWith(app))
      .map((d) => `${d.file?.fileName.replace(app, '') ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
    expect(readme.map((b) => b.code).join('\n')).not.toMatch(/\bas (unknown|any|never)\b|<any>/);
  });
});
