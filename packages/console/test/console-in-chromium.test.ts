import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type ChromiumSession } from '@ftm/test-support/chromium';
import { Ftm } from '../../sdk/src/index.js';
import { startFtmServer, type FtmServer } from '@ftm/test-support/ftm-server';
import { buildConsole } from './support/build-console.js';

// One `ftm start` (serving the freshly built console at /console) and one Chromium for the whole
// file; the tests run in order and build on each other like a person's session would.

const SCREENSHOTS = join(process.cwd(), '.tmp', 'console-screenshots');
const ASSISTANT = 'console-demo';
let server: FtmServer;
let chrome: ChromiumSession;
let page: Page;
let ftm: Ftm;
/** A webhook receiver on this machine (dev allows private destinations): answers 200 to all. */
let receiver: Server;
let received = 0;
/** Shared between the steps, like a person's session. */
const state: { datasetId?: string; jobId?: string; jobVersionId?: string; baseVersionId?: string; baseRunId?: string; jobRunId?: string } = {};

beforeAll(async () => {
  buildConsole();
  mkdirSync(SCREENSHOTS, { recursive: true });
  receiver = createServer((req, res) => {
    req.resume();
    received++;
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  // A simulated fine-tuning job takes 8 s here instead of 40 s.
  [server, chrome] = await Promise.all([startFtmServer({ FTM_SIMULATED_FT_SECONDS: '8' }), launchChromium()]);
  ftm = new Ftm({ baseUrl: server.baseUrl, apiKey: server.apiKey });
  await ftm.webhookEndpoints.create({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, description: 'console test receiver' });
  page = await chrome.newPage();
});

afterAll(async () => {
  await chrome?.close();
  await server?.stop();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
});

/** Form controls and buttons of the page without an accessible name (should be none). */
const unlabelledControls = () =>
  page.locator('main input, main select, main textarea, main button').evaluateAll((elements) =>
    elements
      .filter((el) => {
        const control = el as HTMLInputElement;
        const fromLabels = control.labels ? [...control.labels].map((l) => l.textContent ?? '').join('') : '';
        const name = fromLabels || control.getAttribute('aria-label') || (control.tagName === 'BUTTON' ? control.textContent : '') || '';
        return name.trim() === '';
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );

/** Opens a console page by its deep link. */
const open = (hash: string) => page.goto(`${server.baseUrl}/console/#/${hash}`);

/** Clicks a button, then confirms in the dialog it opens (with a reason when given). */
async function confirm(button: string, reason?: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (reason !== undefined) await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole('button', { name: `Confirm: ${button}` }).click();
  await dialog.waitFor({ state: 'hidden' });
}

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
      {
        messages: [
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: 'Hi! How can I help?' },
        ],
      },
      {
        messages: [
          { role: 'user', content: '<script>window.__pwned = 1</script>' },
          { role: 'assistant', content: '<img src=x onerror="window.__pwned = 2">' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'Mail me at jane@example.com about the invoice for order 1234' },
          { role: 'assistant', content: 'Sure, I will send the details now.' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: 'Hi! How can I help?' },
        ],
      },
      { not_messages: true },
      // Builds keep at least 10 examples by default.
      ...Array.from({ length: 10 }, (_, i) => ({
        messages: [
          { role: 'user', content: `What is ${i} + ${i}?` },
          { role: 'assistant', content: `${'It is '.repeat(i + 1)}${i + i}.` },
        ],
      })),
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
    state.datasetId = page.url().split('/').pop();
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
  it('creates a job that waits for approval past its cost threshold, approves it, and watches it finish', async () => {
    await open(`datasets/${state.datasetId}`);
    await page.getByRole('link', { name: 'Fine-tune on this dataset' }).click();
    await page.getByLabel('Suffix').fill('console');
    await page.getByLabel(/Cost threshold in USD/).fill('0');
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: /Job console\s+awaiting_approval/ }).waitFor();
    state.jobId = page.url().split('/').pop();
    expect(await page.getByRole('region', { name: 'Job', exact: true }).textContent()).toMatch(/Cost estimate\s*\$\d/);
    await shot('job-awaiting-approval');

    await page.getByRole('link', { name: 'Approvals' }).click();
    const row = page.getByRole('row', { name: new RegExp(`ft_job ${state.jobId!.slice(-8)}`) });
    await row.waitFor();
    await shot('approvals');
    await row.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Reason/).fill('within the quarter budget');
    await dialog.getByRole('button', { name: 'Confirm: Approve' }).click();
    await page.getByText('Nothing waits for a decision.').waitFor();

    // The job page follows the job live to its end; its loss curve comes from the provider's metrics events.
    await open(`jobs/${state.jobId}`);
    await page.getByRole('heading', { name: /Job console\s+completed/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('img', { name: /Loss per step: \d+ points/ }).waitFor();
    await expect.poll(() => page.locator('.loss-chart canvas').count()).toBeGreaterThan(0);
    const facts = await page.getByRole('region', { name: 'Job', exact: true }).textContent();
    expect(facts).toMatch(/Actual cost\s*\$\d/);
    expect(await page.getByRole('list', { name: 'Job timeline' }).textContent()).toContain('status_changed');
    state.jobVersionId = (await ftm.ftJobs.get(state.jobId!)).model_version_id ?? undefined;
    expect(state.jobVersionId).toBeTruthy();
    await shot('job');
    expect(chrome.pageErrors).toEqual([]);
  });

  it('compares two eval runs with the confidence interval of the difference', async () => {
    const base = await ftm.modelVersions.create({ name: 'console-base', provider: 'simulated', provider_model_id: 'ft:gpt-4o-mini:sim::console-base', base_model: 'gpt-4o-mini-2024-07-18' });
    state.baseVersionId = base.id;
    const suite = await ftm.evalSuites.create({
      name: 'console-suite',
      cases: { type: 'inline', cases: Array.from({ length: 6 }, (_, i) => ({ input: { messages: [{ role: 'user' as const, content: `question ${i}` }] }, expected_output: `answer ${i}` })) },
      graders: [{ type: 'exact_match' }],
      pass_threshold: 0,
    });
    const [baseRun, jobRun] = await Promise.all([
      ftm.evalRuns.create({ eval_suite_id: suite.id, model: { type: 'ft_model_version', value: base.id } }),
      ftm.evalRuns.create({ eval_suite_id: suite.id, model: { type: 'ft_model_version', value: state.jobVersionId! } }),
    ]);
    await Promise.all([ftm.evalRuns.waitUntilDone(baseRun.id, { pollIntervalMs: 200 }), ftm.evalRuns.waitUntilDone(jobRun.id, { pollIntervalMs: 200 })]);
    [state.baseRunId, state.jobRunId] = [baseRun.id, jobRun.id];

    await page.getByRole('link', { name: 'Eval runs' }).click();
    await page.getByRole('link', { name: jobRun.id.slice(-8) }).click();
    await page.getByRole('region', { name: 'Metrics' }).waitFor();
    await page.getByRole('table', { name: 'Per-case results' }).getByText('answer 0').first().waitFor();
    await shot('eval-run');
    await page.getByLabel('Baseline run id').fill(baseRun.id);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const comparison = page.getByRole('region', { name: 'Comparison' });
    await comparison.waitFor();
    expect(await comparison.textContent()).toMatch(/Confidence interval\s*\d+%: \[-?\d\.\d{3}, -?\d\.\d{3}\]/);
    expect(await page.getByRole('table', { name: 'Case comparison' }).getByRole('row').count()).toBe(7);
    await shot('eval-compare');
    expect(chrome.pageErrors).toEqual([]);
  });

  it('promotes with the gates shown, rolls back, and overrides with a reason', async () => {
    // The pointer first serves the base version (promoted from Node), then the console promotes the job's.
    const first = await ftm.promotions.create({ model_version_id: state.baseVersionId!, target: { type: 'assistant', value: ASSISTANT }, min_eval_score: 0 });
    expect(first.decision).toBe('promoted');
    await open(`models/versions/${state.jobVersionId}`);
    await page.getByLabel('Target', { exact: true }).fill(ASSISTANT);
    await page.getByLabel('Minimum eval score').fill('0');
    await page.getByRole('button', { name: 'Promote', exact: true }).click();
    await page.getByRole('heading', { name: /Promotion \w+\s+promoted/ }).waitFor();
    expect(await page.getByRole('list', { name: 'Gate verdicts' }).textContent()).toMatch(/pass/);
    await shot('promotion');

    await page.getByRole('link', { name: first.pointer_id!.slice(-8) }).click();
    await page.getByRole('heading', { name: `Pointer assistant: ${ASSISTANT}` }).waitFor();
    await confirm('Roll back', 'the new model answers worse in support');
    await expect.poll(async () => (await ftm.productionPointers.get(first.pointer_id!)).model_version_id).toBe(state.baseVersionId);
    await expect.poll(() => page.getByRole('list', { name: 'Pointer history' }).textContent()).toContain('the new model answers worse in support');

    await page.getByLabel('Model version id to serve').fill(state.jobVersionId!);
    await page.getByRole('button', { name: 'Override', exact: true }).click();
    const dialog = page.getByRole('dialog');
    // The confirmation says what changes before anything does.
    expect(await dialog.textContent()).toContain(`will serve model version ${state.jobVersionId} instead of ${state.baseVersionId}`);
    await dialog.getByRole('button', { name: 'Confirm: Override' }).click();
    // No reason given: the form refuses to submit, the dialog stays and nothing changes.
    expect(await dialog.getByLabel(/Reason/).evaluate((el) => (el as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel(/Reason/).fill('hotfix: base model mislabels refunds');
    await dialog.getByRole('button', { name: 'Confirm: Override' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await ftm.productionPointers.get(first.pointer_id!)).model_version_id).toBe(state.jobVersionId);
    await expect.poll(() => page.getByRole('list', { name: 'Pointer history' }).textContent()).toContain('hotfix: base model mislabels refunds');
    await shot('pointer');
    await open('');
    const row = page.getByRole('table', { name: 'Production pointers' }).getByRole('row', { name: new RegExp(`assistant: ${ASSISTANT}`) });
    await row.waitFor();
    // The retirement warning is the API's (the pointer's `retirement`), shown when there is one.
    const retirement = (await ftm.productionPointers.get(first.pointer_id!)).retirement;
    if (retirement) expect(await row.textContent()).toContain(retirement.date);
    else expect(await row.textContent()).not.toContain('⚠');
    await shot('overview-with-pointer');
    expect(chrome.pageErrors).toEqual([]);
  });

  it('redelivers a webhook delivery and lists its attempts', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('link', { name: /\/hooks$/ }).click();
    const table = page.getByRole('table', { name: 'Webhook deliveries' });
    await table.getByRole('row').nth(1).waitFor();
    await expect.poll(() => table.getByText(/1 attempt, last 200/).count()).toBeGreaterThan(0);
    const before = received;
    await table
      .getByRole('button', { name: /^Redeliver / })
      .first()
      .click();
    await page.getByText(/Redelivery \w+ queued\./).waitFor();
    await expect.poll(() => received).toBeGreaterThan(before);
    await shot('webhooks');
    expect(chrome.pageErrors).toEqual([]);
  });

  it('filters the audit log by action, with the filter in the URL', async () => {
    await open('audit?action=production_pointer.override');
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByText('production_pointer.override').first().waitFor();
    expect(await table.getByRole('row').count()).toBe(2);
    await shot('audit');
    expect(chrome.pageErrors).toEqual([]);
  });
  it('pages through more rows than fit on one page by cursor, and a page link reopens that page', async () => {
    await Promise.all(
      Array.from({ length: 55 }, (_, i) =>
        ftm.modelVersions.create({ name: `paged-${String(i).padStart(2, '0')}`, provider: 'simulated', provider_model_id: `ft:gpt-4o-mini:sim::paged-${i}`, base_model: 'gpt-4o-mini-2024-07-18' }),
      ),
    );
    await open('models/versions');
    const table = page.getByRole('table', { name: 'Model versions' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    const firstOfPageOne = await table.locator('tbody tr').first().textContent();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('page 2').waitFor();
    await expect.poll(() => table.locator('tbody tr').first().textContent()).not.toBe(firstOfPageOne);
    expect(page.url()).toMatch(/#\/models\/versions\?cursor=/);
    const firstOfPageTwo = await table.locator('tbody tr').first().textContent();
    await page.reload();
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toBe(firstOfPageTwo);
    await page.getByRole('button', { name: 'First' }).click();
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toBe(firstOfPageOne);
    expect(chrome.pageErrors).toEqual([]);
  });

  it('shows a new approval as it happens (event stream), and rejects it from the keyboard', async () => {
    await open('approvals');
    await page.getByText('Nothing waits for a decision.').waitFor();
    const job = await ftm.ftJobs.create({ dataset_id: state.datasetId!, base_model: 'gpt-4o-mini-2024-07-18', provider: 'simulated', cost_threshold_usd: 0, suffix: 'live' });
    const row = page.getByRole('row', { name: new RegExp(`ft_job ${job.id.slice(-8)}`) });
    await row.waitFor();
    await row.getByRole('button', { name: 'Reject' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await ftm.approvals.get(job.approval_id!)).status).toBe('pending');
    await row.getByRole('button', { name: 'Reject' }).focus();
    await page.keyboard.press('Enter');
    // The dialog opens with the reason field focused; Tab goes to Cancel, then to Confirm.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reason');
    await page.keyboard.type('too expensive for a test');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await ftm.approvals.get(job.approval_id!)).status).toBe('rejected');
    await expect.poll(async () => (await ftm.ftJobs.get(job.id)).status).toBe('blocked');
    expect(chrome.pageErrors).toEqual([]);
  });

  it('labels every control, and follows the light or dark colour scheme', async () => {
    for (const hash of ['', 'datasets/new', 'jobs/new', `jobs/${state.jobId}`, `evals/${state.jobRunId}`, `models/versions/${state.jobVersionId}`, 'approvals', 'webhooks', 'audit']) {
      await open(hash);
      await page.locator('main h1').first().waitFor();
      expect({ hash, unlabelled: await unlabelledControls() }).toEqual({ hash, unlabelled: [] });
    }
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(13, 17, 23)');
    await open('');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await shot('overview-dark');
    expect(chrome.pageErrors).toEqual([]);
  });
});
