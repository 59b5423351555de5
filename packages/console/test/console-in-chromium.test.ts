import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type ChromiumSession } from '../../../scripts/test-support/chromium.js';
import { startFtmServer, type FtmServer } from '../../sdk/test/support/ftm-server.js';
import { buildConsole } from './support/build-console.js';

// One `ftm start` (serving the freshly built console at /console) and one Chromium for the whole
// file; the tests run in order and build on each other like a person's session would.

const SCREENSHOTS = join(process.cwd(), '.tmp', 'console-screenshots');
let server: FtmServer;
let chrome: ChromiumSession;
let page: Page;

beforeAll(async () => {
  buildConsole();
  mkdirSync(SCREENSHOTS, { recursive: true });
  [server, chrome] = await Promise.all([startFtmServer(), launchChromium()]);
  page = await chrome.newPage();
});

afterAll(async () => {
  await chrome?.close();
  await server?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

// A failing step leaves a picture of the page behind (and the page's errors in the report).
beforeEach((context) => {
  onTestFailed(async () => {
    await shot(`failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
    console.error(`page errors: ${JSON.stringify(chrome.pageErrors)}`);
  });
});

describe('the console in Chromium against ftm start', () => {
  it('serves the console with a strict Content-Security-Policy and no inline script', async () => {
    const response = await fetch(`${server.baseUrl}/console/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await response.text();
    // Every script is an external file of this origin.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('signs in with an API key, keeps it out of the URL and cookies, and shows the overview', async () => {
    await page.goto(`${server.baseUrl}/console/`);
    await page.getByLabel('API key').fill('ftm_sk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('401');
    // The browser logs the refused request itself; nothing else may have gone wrong.
    expect(chrome.pageErrors.every((e) => e.includes('status of 401'))).toBe(true);
    chrome.pageErrors.length = 0;
    await page.getByLabel('API key').fill(server.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('status', { name: 'live updates: live' }).waitFor();
    expect(page.url()).not.toContain(server.apiKey);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await shot('overview');
    expect(chrome.pageErrors).toEqual([]);
  });

  it('builds a dataset from pasted records and reads its report, histogram and records as text', async () => {
    const records = [
      { messages: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'Hi! How can I help?' }] },
      { messages: [{ role: 'user', content: '<script>window.__pwned = 1</script>' }, { role: 'assistant', content: '<img src=x onerror="window.__pwned = 2">' }] },
      { messages: [{ role: 'user', content: 'Mail me at jane@example.com about the invoice for order 1234' }, { role: 'assistant', content: 'Sure, I will send the details now.' }] },
      { messages: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'Hi! How can I help?' }] },
      { not_messages: true },
      // Builds keep at least 10 examples by default.
      ...Array.from({ length: 10 }, (_, i) => ({ messages: [{ role: 'user', content: `What is ${i} + ${i}?` }, { role: 'assistant', content: `${'It is '.repeat(i + 1)}${i + i}.` }] })),
    ];
    await page.getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    await page.getByRole('link', { name: 'New dataset' }).click();
    await page.getByLabel('Name').fill('<b>support</b> chats');
    await page.getByLabel('Records (JSONL').fill(records.map((r) => JSON.stringify(r)).join('\n'));
    await page.getByRole('button', { name: 'Build dataset' }).click();
    // The detail page follows the build live (SSE) until the report is there.
    await page.getByRole('heading', { name: /<b>support<\/b> chats\s+ready/ }).waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/#\/datasets\/[0-9a-f-]{36}$/);
    const report = page.getByRole('region', { name: 'Build report' });
    await expect.poll(() => report.textContent()).toMatch(/Records read\s*15/);
    expect(await report.textContent()).toMatch(/Exact duplicates removed\s*1/);
    expect(await report.textContent()).toContain('email');
    await page.getByRole('img', { name: 'Examples per token count' }).waitFor();
    const viewer = page.getByRole('region', { name: 'Records' });
    await expect.poll(() => viewer.textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await viewer.textContent()).toContain('<img src=x onerror=');
    await shot('dataset');
    // Neither the record nor the name became markup: no element from them, nothing ran.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    expect(chrome.pageErrors).toEqual([]);
  });

  it('opens a deep link after a reload with the key kept for the tab only when asked', async () => {
    const deep = page.url();
    await page.reload();
    await page.getByLabel('API key').waitFor();
    await page.getByLabel('API key').fill(server.apiKey);
    await page.getByLabel('Stay signed in for this tab').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Build report' }).waitFor();
    expect(page.url()).toBe(deep);
    await page.reload();
    await page.getByRole('region', { name: 'Build report' }).waitFor();
    expect(chrome.pageErrors).toEqual([]);
  });
});
