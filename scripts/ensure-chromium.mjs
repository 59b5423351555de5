#!/usr/bin/env node
// Makes sure the headless browser the browser tests drive is on this machine: Debian's `chromium`
// at /usr/bin/chromium, installed with apt-get when it is missing (playwright-core itself is a
// devDependency, so `pnpm install` brings it; it never downloads a browser of its own, which this
// network would refuse). Safe to run again: it does nothing when the binary is there.
// Used by `scripts/test-all.mjs`; run it by hand (`node scripts/ensure-chromium.mjs`) before
// running a browser test file alone on a fresh machine.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where the browser tests expect Chromium (Debian's package puts it here). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Installs Debian's chromium when /usr/bin/chromium is missing; returns its path. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  // Another process (a second worktree, a parallel CI step) may hold the dpkg lock: wait for it.
  const apt = 'DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600';
  const cmd = `${apt} update -qq && ${apt} install -y -qq --no-install-recommends chromium fonts-liberation`;
  console.log(`$ ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureChromium();
  console.log(`chromium ready: ${execSync(`${CHROMIUM_PATH} --version`, { encoding: 'utf8' }).trim()}`);
}
