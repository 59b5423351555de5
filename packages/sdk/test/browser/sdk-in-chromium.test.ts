import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from '@ftm/test-support/chromium';
import { Ftm } from '../../src/index.js';
import { buildSdk } from '../support/build-sdk.js';
import { startFtmServer, type FtmServer } from '@ftm/test-support/ftm-server';

// A real browser loads the built ESM SDK from one origin and talks to `ftm start` on another:
// CORS, the SDK's headers and the response headers it reads are exercised as in an app.

const require = createRequire(import.meta.url);
/** Folders the page's import map points at: the SDK's runtime dependencies, as published. */
const DEPENDENCIES = {
  ky: dirname(require.resolve('ky')),
  // The CommonJS file sits beside the ESM one the page loads.
  'eventsource-parser': dirname(require.resolve('eventsource-parser')),
};
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

const PAGE = `<!doctype html><meta charset="utf-8"><title>ftm sdk</title>
<script type="importmap">${JSON.stringify({ imports: { ky: '/deps/ky/index.js', 'eventsource-parser': '/deps/eventsource-parser/index.js' } })}</script>
<script type="module">
  window.sdk = await import('/sdk/index.js');
  document.title = 'ready';
</script>`;

/** Serves the page, the built SDK and its dependencies; nothing outside those folders. */
function staticServer(sdkDir: string): Server {
  const roots: Record<string, string> = { sdk: sdkDir, 'deps/ky': DEPENDENCIES.ky, 'deps/eventsource-parser': DEPENDENCIES['eventsource-parser'] };
  return createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const root = Object.keys(roots).find((prefix) => path.startsWith(`/${prefix}/`));
    const file = root ? normalize(join(roots[root]!, path.slice(root.length + 2))) : undefined;
    if (!root || !file || !file.startsWith(roots[root]!)) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
}

let buildDir: string;
let pages: Server;
let origin: string;
let ftmServer: FtmServer;
let chrome: ChromiumSession;
let page: Page;
let assistant: string;
let pointedModel: string;

beforeAll(async () => {
  buildDir = await mkdtemp(join(tmpdir(), 'ftm-sdk-esm-'));
  const built = buildSdk(buildDir, { formats: ['esm'] });
  pages = staticServer(buildDir);
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const started = startFtmServer({ FTM_CORS_ORIGINS: origin });
  const launched = launchChromium();
  [ftmServer, chrome] = await Promise.all([started, launched, built]);

  // A production pointer to resolve, set up from Node: a version, an eval of it, a promotion.
  const ftm = new Ftm({ baseUrl: ftmServer.baseUrl, apiKey: ftmServer.apiKey });
  assistant = `browser-${Date.now()}`;
  const version = await ftm.modelVersions.create({ name: assistant, provider: 'simulated', provider_model_id: `ft:gpt-4o-mini:sim::${assistant}`, base_model: 'gpt-4o-mini-2024-07-18' });
  const suite = await ftm.evalSuites.create({
    name: assistant,
    cases: { type: 'inline', cases: [{ input: { messages: [{ role: 'user', content: 'hi' }] }, expected_output: 'hello' }] },
    graders: [{ type: 'exact_match' }],
    pass_threshold: 0,
  });
  const run = await ftm.evalRuns.create({ eval_suite_id: suite.id, model: { type: 'ft_model_version', value: version.id } });
  await ftm.evalRuns.waitUntilDone(run.id, { pollIntervalMs: 200 });
  const promotion = await ftm.promotions.create({ model_version_id: version.id, target: { type: 'assistant', value: assistant }, min_eval_score: 0 });
  expect(promotion.decision).toBe('promoted');
  pointedModel = version.provider_model_id;
  await ftm.modelVersions.create({ name: `${assistant}-2`, provider: 'simulated', provider_model_id: `ft:gpt-4o-mini:sim::${assistant}-2`, base_model: 'gpt-4o-mini-2024-07-18' });

  page = await chrome.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.title === 'ready');
});

afterAll(async () => {
  await chrome?.close();
  await ftmServer?.stop();
  await new Promise((r) => (pages ? pages.close(r) : r(undefined)));
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});

/** Runs a function in the page with a client for the server; its result comes back as JSON. */
function inPage<T>(fn: string): Promise<T> {
  return page.evaluate(
    async ({ source, baseUrl, apiKey }) => {
      const sdk = (window as unknown as { sdk: Record<string, unknown> }).sdk;
      const Ftm = sdk.Ftm as new (options: object) => unknown;
      const ftm = new Ftm({ baseUrl, apiKey, maxRetries: 0 });
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      return (new Function('ftm', 'sdk', `return (${source})(ftm, sdk);`) as (f: unknown, s: unknown) => Promise<unknown>)(ftm, sdk);
    },
    { source: fn, baseUrl: ftmServer.baseUrl, apiKey: ftmServer.apiKey },
  ) as Promise<T>;
}

describe('@ftm/sdk (built ESM) in Chromium against ftm start on another origin', () => {
  it('lists across pages with a cursor', async () => {
    const result = await inPage<{ firstPage: number; hasNext: boolean; total: number }>(`async (ftm) => {
      const first = await ftm.modelVersions.list({ limit: 1 });
      let total = 0;
      for await (const version of ftm.modelVersions.list({ limit: 1 })) total++;
      return { firstPage: first.data.length, hasNext: first.hasNextPage(), total };
    }`);
    expect(result).toEqual({ firstPage: 1, hasNext: true, total: expect.any(Number) });
    expect(result.total).toBeGreaterThanOrEqual(2);
    expect(chrome.pageErrors).toEqual([]);
  });

  it('creates with an idempotency key, and reads the replay marker and request id headers', async () => {
    const result = await inPage<{ same: boolean; replayed: string | null; firstReplayed: string | null; requestId: boolean; status: number }>(`async (ftm) => {
      const body = { name: 'browser-idem', provider: 'simulated', provider_model_id: 'ft:gpt-4o-mini:sim::browser-idem', base_model: 'gpt-4o-mini-2024-07-18' };
      const key = 'browser-' + crypto.randomUUID();
      const first = await ftm.modelVersions.create(body, { idempotencyKey: key }).withResponse();
      const again = await ftm.modelVersions.create(body, { idempotencyKey: key }).withResponse();
      return { same: first.data.id === again.data.id, firstReplayed: first.response.headers.get('idempotent-replayed'), replayed: again.response.headers.get('idempotent-replayed'), requestId: typeof first.requestId === 'string' && first.data.requestId === first.requestId, status: first.response.status };
    }`);
    expect(result).toEqual({ same: true, firstReplayed: null, replayed: 'true', requestId: true, status: 201 });
    expect(chrome.pageErrors).toEqual([]);
  });

  it('follows the event stream and receives a typed event for a change made meanwhile', async () => {
    const result = await inPage<{ type: string; created: string; seen: string; status: number }>(`async (ftm) => {
      const { data: stream, response } = await ftm.events.stream({ types: ['model_version.created'] }).withResponse();
      const created = await ftm.modelVersions.create({ name: 'browser-stream', provider: 'simulated', provider_model_id: 'ft:gpt-4o-mini:sim::browser-stream-' + Date.now(), base_model: 'gpt-4o-mini-2024-07-18' });
      for await (const event of stream) {
        if (event.data.model_version.id === created.id) return { type: event.type, created: created.id, seen: event.data.model_version.id, status: response.status };
      }
      return { type: 'none', created: created.id, seen: '', status: response.status };
    }`);
    expect(result).toEqual({ type: 'model_version.created', created: result.created, seen: result.created, status: 200 });
    expect(chrome.pageErrors).toEqual([]);
  });

  it('resolves a production pointer, then revalidates it with its ETag (304) and keeps the answer', async () => {
    const result = await inPage<{ statuses: number[]; etag: boolean; models: string[] }>(
      `async (ftm) => {
      const first = await ftm.productionPointers.resolve({ assistant: ${JSON.stringify('__ASSISTANT__')} }).withResponse();
      const again = await ftm.productionPointers.resolve({ assistant: ${JSON.stringify('__ASSISTANT__')} }).withResponse();
      return { statuses: [first.response.status, again.response.status], etag: Boolean(first.response.headers.get('etag')), models: [first.data.provider_model_id, again.data.provider_model_id] };
    }`.replaceAll('__ASSISTANT__', assistant),
    );
    expect(result).toEqual({ statuses: [200, 304], etag: true, models: [pointedModel, pointedModel] });
    expect(chrome.pageErrors).toEqual([]);
  });
});
