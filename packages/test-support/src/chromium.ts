import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, where `scripts/ensure-chromium.mjs` installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags every browser test runs Chromium with: no sandbox (tests run as root in a container),
 * no GPU, no QUIC, and none of the first-run, sync, component-update or background traffic that
 * would reach outside this machine.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What `launchChromium` gives back. */
export interface ChromiumSession {
  /** The one browser context, backed by a fresh profile directory. */
  readonly context: BrowserContext;
  /** The fresh `--user-data-dir` of this session; removed by `close()`. */
  readonly userDataDir: string;
  /** Uncaught page errors and `console.error` lines of every page, to assert there were none. */
  readonly pageErrors: string[];
  /** Opens a page in the context (its errors land in `pageErrors`). */
  newPage(): Promise<Page>;
  /** Closes the browser and removes the profile directory. */
  close(): Promise<void>;
}

/** Options of `launchChromium`. */
export interface LaunchChromiumOptions {
  /** Flags added after `CHROMIUM_ARGS`. */
  readonly args?: readonly string[];
  /** Default timeout of every page action in ms (default 20 s, below vitest's test timeout). */
  readonly timeoutMs?: number;
}

/**
 * Shared launcher for browser tests (SDK, console): Debian's headless Chromium at /usr/bin/chromium
 * driven by playwright-core, with `CHROMIUM_ARGS` and a fresh `--user-data-dir` per launch.
 * `scripts/test-all.mjs` installs Chromium first (`scripts/ensure-chromium.mjs`); a test file run
 * alone on a fresh machine needs `node scripts/ensure-chromium.mjs` once.
 *
 * @example
 * const chrome = await launchChromium();
 * try {
 *   const page = await chrome.newPage();
 *   await page.goto(url);
 *   expect(chrome.pageErrors).toEqual([]);
 * } finally {
 *   await chrome.close();
 * }
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<ChromiumSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'ftm-chromium-'));
  const pageErrors: string[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`Chromium did not start (is ${CHROMIUM_PATH} installed? run: node scripts/ensure-chromium.mjs)`, { cause: error });
  }
  context.setDefaultTimeout(options.timeoutMs ?? 20_000);
  const watch = (page: Page) => {
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    userDataDir,
    pageErrors,
    newPage: () => context.newPage(),
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
