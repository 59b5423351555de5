#!/usr/bin/env node
// `pnpm start`: install, build and run `ftm start`, doing only the steps whose inputs changed since
// the last start. On a fresh clone it installs and builds everything; on a restart with nothing
// changed it goes straight to the server. Node built-ins only: it runs before anything is installed.
//
// What decides a step:
//   install  the lockfile, the workspace file and every package.json (content hash), and that
//            node_modules still holds pnpm's own state file
//   build    per package: the size and mtime of every file under src/ and of its build inputs
//            (package.json, tsconfig, tsup config), and that its dist/ entry still exists
// Each stamp is written only after its step succeeded, so an interrupted step runs again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMPS = join(ROOT, 'node_modules', '.ftm-start');
const PACKAGES = ['core', 'worker', 'sdk', 'console', 'server'];
const PACKAGE_ENTRY = { core: 'dist/index.js', worker: 'dist/index.js', sdk: 'dist/index.js', console: 'dist/index.html', server: 'dist/cli.js' };
const BUILD_INPUTS = ['package.json', 'tsconfig.json', 'tsup.config.ts', 'build.mjs'];
// The console bundles the SDK from its sources: an SDK change rebuilds the console too.
const SOURCES_ALSO = { console: ['sdk'] };

const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['pnpm'];

function run(args, env = {}) {
  const r = spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`pnpm start: \`pnpm ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

function stampPath(name) {
  return join(STAMPS, name);
}

function stampMatches(name, value) {
  try {
    return readFileSync(stampPath(name), 'utf8') === value;
  } catch {
    return false;
  }
}

function writeStamp(name, value) {
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(stampPath(name), value);
}

function installFingerprint() {
  const hash = createHash('sha256');
  for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', ...PACKAGES.map((p) => `packages/${p}/package.json`)]) {
    hash.update(file).update('\0');
    if (existsSync(join(ROOT, file))) hash.update(readFileSync(join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Size and mtime of every file under `dir`, in a stable order: a change to any source changes it. */
function hashTree(hash, dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, path);
    else if (entry.isFile()) {
      const s = statSync(path);
      hash.update(`${path}\0${s.size}\0${s.mtimeMs}\n`);
    }
  }
}

function buildFingerprint(pkg) {
  const dir = join(ROOT, 'packages', pkg);
  const hash = createHash('sha256');
  hashTree(hash, join(dir, 'src'));
  for (const other of SOURCES_ALSO[pkg] ?? []) hashTree(hash, join(ROOT, 'packages', other, 'src'));
  for (const file of BUILD_INPUTS) {
    if (existsSync(join(dir, file))) hash.update(file).update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex');
}

const installed = installFingerprint();
if (!existsSync(join(ROOT, 'node_modules', '.modules.yaml')) || !stampMatches('install', installed)) {
  run(['install', '--frozen-lockfile']);
  writeStamp('install', installed);
}

// Packages import each other through their package names (external to each build), so a change
// in one package rebuilds that package only.
for (const pkg of PACKAGES) {
  const fingerprint = buildFingerprint(pkg);
  if (!existsSync(join(ROOT, 'packages', pkg, PACKAGE_ENTRY[pkg])) || !stampMatches(`build-${pkg}`, fingerprint)) {
    run(['--filter', `@ftm/${pkg}`, 'run', 'build'], { FTM_BUILD_DTS: '0' });
    writeStamp(`build-${pkg}`, fingerprint);
  }
}

// The server runs in this process: no second Node start-up, and signals reach it directly.
process.argv = [process.argv[0], join(ROOT, 'packages/server/dist/cli.js'), 'start', ...process.argv.slice(2)];
await import(pathToFileURL(join(ROOT, 'packages/server/dist/cli.js')).href);
