import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `pnpm start` (scripts/start.mjs) run in a scratch tree whose `pnpm` is a recording stand-in
// (it creates dist/ entries for builds and node_modules/.modules.yaml for installs), so each test
// sees exactly which install and build steps the script chose.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
let tree = '';
let bin = '';

const FAKE_PNPM = `#!/bin/sh
echo "$*" >> "$FTM_TEST_PNPM_LOG"
case "$*" in
  install*) mkdir -p node_modules && touch node_modules/.modules.yaml ;;
  *"run build"*) pkg=$(echo "$*" | sed -E 's/.*@ftm\\/([a-z]+).*/\\1/'); mkdir -p packages/$pkg/dist; touch packages/$pkg/dist/index.js packages/$pkg/dist/cli.js packages/$pkg/dist/index.html;
    [ "$FTM_TEST_FAIL_BUILD" = "$pkg" ] && exit 7 ;;
esac
exit 0
`;

async function start(env: Record<string, string> = {}): Promise<{ status: number | null; steps: string[]; stdout: string }> {
  const log = join(tree, 'pnpm.log');
  await rm(log, { force: true });
  const { PATH = '', npm_execpath: _ignored, ...rest } = process.env;
  const r = spawnSync(process.execPath, [join(tree, 'scripts/start.mjs')], {
    cwd: tree,
    env: { ...rest, PATH: `${bin}:${PATH}`, FTM_TEST_PNPM_LOG: log, ...env },
    encoding: 'utf8',
  });
  const steps = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { status: r.status, steps, stdout: r.stdout };
}

async function touch(path: string): Promise<void> {
  const later = new Date(Date.now() + 5_000);
  await utimes(join(tree, path), later, later);
}

beforeAll(async () => {
  tree = await mkdtemp(join(tmpdir(), 'ftm-start-script-'));
  bin = join(tree, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'pnpm'), FAKE_PNPM);
  await chmod(join(bin, 'pnpm'), 0o755);
  await mkdir(join(tree, 'scripts'));
  await copyFile(join(root, 'scripts/start.mjs'), join(tree, 'scripts/start.mjs'));
  await writeFile(join(tree, 'package.json'), '{"name":"ftm"}');
  await writeFile(join(tree, 'pnpm-lock.yaml'), 'lockfileVersion: 9.0\n');
  await writeFile(join(tree, 'pnpm-workspace.yaml'), 'packages: [packages/*]\n');
  for (const pkg of ['core', 'worker', 'sdk', 'console', 'server']) {
    await mkdir(join(tree, 'packages', pkg, 'src', 'area'), { recursive: true });
    await writeFile(join(tree, 'packages', pkg, 'package.json'), `{"name":"@ftm/${pkg}"}`);
    await writeFile(join(tree, 'packages', pkg, 'src', 'area', 'thing.ts'), 'export const x = 1;\n');
  }
  // What runs last: the built CLI, in the same process, with `start` in its arguments.
  await mkdir(join(tree, 'packages/server/dist'), { recursive: true });
});
afterAll(async () => {
  if (tree) await rm(tree, { recursive: true, force: true });
});

describe('pnpm start (scripts/start.mjs)', () => {
  it('on a fresh clone installs, builds every package and then starts the server', async () => {
    const r = await start();
    expect(r.status).toBe(0);
    expect(r.steps).toEqual([
      'install --frozen-lockfile',
      '--filter @ftm/core run build',
      '--filter @ftm/worker run build',
      '--filter @ftm/sdk run build',
      '--filter @ftm/console run build',
      '--filter @ftm/server run build',
    ]);
    await writeFile(join(tree, 'packages/server/dist/cli.js'), 'console.log("started", process.argv.slice(2).join(" "));\n');
    expect((await start()).stdout).toBe('started start\n');
  });

  it('starts without installing or building when nothing changed', async () => {
    const r = await start();
    expect([r.status, r.steps, r.stdout]).toEqual([0, [], 'started start\n']);
  });

  it('rebuilds only the package whose sources changed', async () => {
    await touch('packages/worker/src/area/thing.ts');
    expect((await start()).steps).toEqual(['--filter @ftm/worker run build']);
    await writeFile(join(tree, 'packages/core/src/area/new-file.ts'), 'export const y = 2;\n');
    expect((await start()).steps).toEqual(['--filter @ftm/core run build']);
    expect((await start()).steps).toEqual([]);
  });

  it('reinstalls when the lockfile or a package manifest changed, or node_modules was removed', async () => {
    await writeFile(join(tree, 'pnpm-lock.yaml'), 'lockfileVersion: 9.0\n# a new dependency\n');
    expect((await start()).steps).toEqual(['install --frozen-lockfile']);
    await rm(join(tree, 'node_modules/.modules.yaml'));
    expect((await start()).steps).toEqual(['install --frozen-lockfile']);
    expect((await start()).steps).toEqual([]);
  });

  it('stops on a failed build and tries that build again on the next start', async () => {
    await touch('packages/sdk/src/area/thing.ts');
    const failed = await start({ FTM_TEST_FAIL_BUILD: 'sdk' });
    expect(failed.status).toBe(7);
    expect(failed.stdout).not.toContain('started');
    expect((await start()).steps).toEqual(['--filter @ftm/sdk run build', '--filter @ftm/console run build']);
  });

  it('rebuilds the console, which bundles the SDK from its sources, when the SDK changed', async () => {
    await touch('packages/sdk/src/area/thing.ts');
    expect((await start()).steps).toEqual(['--filter @ftm/sdk run build', '--filter @ftm/console run build']);
    await touch('packages/console/src/area/thing.ts');
    expect((await start()).steps).toEqual(['--filter @ftm/console run build']);
  });
});
