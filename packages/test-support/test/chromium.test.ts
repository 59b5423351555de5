import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from '@ftm/test-support/chromium';

describe('launchChromium', () => {
  let server: Server;
  let url: string;
  let chrome: ChromiumSession;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>t</title><script>document.title = String(6 * 7); console.error("from the page")</script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close(); // a second close (after the last test) is harmless
    server?.close();
  });

  it('runs the page script in headless Chromium and records its console errors', async () => {
    const page = await chrome.newPage();
    await page.goto(url);
    expect(await page.title()).toBe('42');
    expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
    expect(chrome.pageErrors).toEqual(['console.error: from the page']);
  });

  it('removes its fresh profile directory on close', async () => {
    expect(chrome.userDataDir).toMatch(/ftm-chromium-/);
    expect(existsSync(chrome.userDataDir)).toBe(true);
    await chrome.close();
    expect(existsSync(chrome.userDataDir)).toBe(false);
  });
});
