import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { defaultFtmMetrics, HttpClient, recordProviderCalls } from '@ftm/core';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

// The SLO alerts of examples/self-host/prometheus, checked by promtool (Debian's prometheus
// package; `pnpm test` installs it through scripts/ensure-services.mjs) and against a real scrape.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dir = join(root, 'examples/self-host/prometheus');

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly annotations: Record<string, string>;
}
interface RuleTest {
  readonly alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
}
const rules: Rule[] = (parse(readFileSync(join(dir, 'alerts.yaml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const unitTests: RuleTest[] = (parse(readFileSync(join(dir, 'alerts.test.yaml'), 'utf8')) as { tests: RuleTest[] }).tests;

function promtool(...args: string[]): { status: number | null; output: string } {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error("promtool is missing: run `node scripts/ensure-services.mjs` (it installs Debian's prometheus package), or `pnpm test`");
  }
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('examples/self-host/prometheus/alerts.yaml', () => {
  it('passes promtool check rules', () => {
    const r = promtool('check', 'rules', 'alerts.yaml');
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
  });

  it('is loaded by prometheus.yaml, whose scrape config (the API and worker jobs) passes promtool check config', () => {
    const r = promtool('check', 'config', '--syntax-only', 'prometheus.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    const config = parse(readFileSync(join(dir, 'prometheus.yaml'), 'utf8')) as { rule_files: string[]; scrape_configs: { job_name: string }[] };
    expect(config.rule_files).toEqual(['alerts.yaml']);
    expect(config.scrape_configs.map((c) => c.job_name)).toEqual(['ftm-api', 'ftm-worker']);
  });

  it('passes its promtool unit tests (alerts.test.yaml), in which every alert fires and clears', () => {
    const r = promtool('test', 'rules', 'alerts.test.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    for (const { alert } of rules) {
      const cases = unitTests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === alert);
      expect({ alert, fires: cases.some((c) => c.exp_alerts.length > 0), clears: cases.some((c) => c.exp_alerts.length === 0) }).toEqual({ alert, fires: true, clears: true });
    }
  });

  it('has the seed SLO alerts plus outbox lag and provider error rate, each with a runbook section in docs/operations.md', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['FtmApiLatencyHigh', 'FtmApiErrorRateHigh', 'FtmQueueBacklog', 'FtmWebhookDeadLetters', 'FtmOutboxLag', 'FtmProviderErrorRateHigh']),
    );
    const headings = new Set(
      readFileSync(join(root, 'docs/operations.md'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .map((l) =>
          l
            .replace(/^#+\s*/, '')
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, '')
            .replace(/ /g, '-'),
        ),
    );
    for (const { alert, annotations } of rules) {
      expect(annotations.runbook_url, alert).toMatch(/^https:\/\/ftm\.dev\/docs\/operations\.md#[a-z0-9-]+$/);
      expect(headings.has(annotations.runbook_url!.split('#')[1]!), `${alert}: ${annotations.runbook_url}`).toBe(true);
    }
  });
});

describe('the series the alerts read', () => {
  let t: TestApp;
  let provider: Server;
  beforeAll(async () => {
    t = await createTestApp();
    provider = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    provider?.closeAllConnections();
    await new Promise((r) => provider?.close(r));
    await t?.close();
  });

  /** Every `ftm_*` series of a real scrape: its name and the label names it carries. */
  async function scrapedSeries(): Promise<{ series: Map<string, Set<string>>; declared: Set<string> }> {
    // Traffic the API really sees, one provider call (it fails: a 503 is a status too), a job queued.
    await t.request(t.a.memberKey, { url: '/projects' });
    await t.request(t.a.memberKey, { url: '/model-versions/not-a-uuid' });
    await t.ftm.queue.enqueue('alert-rules.test', {});
    await t.ftm.queue.enqueue('alert-rules.test', {}, { delayMs: 60_000 });
    const stop = recordProviderCalls(defaultFtmMetrics());
    const port = (provider.address() as AddressInfo).port;
    await new HttpClient({ name: 'together', baseUrl: `http://127.0.0.1:${port}`, retry: { maxAttempts: 1 } }).request({ method: 'GET', path: '/v1/models' }).catch(() => undefined);
    stop();
    const res = await t.request(t.a.adminKey, { url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const series = new Map<string, Set<string>>();
    const declared = new Set([...res.body.matchAll(/^# TYPE (ftm_\w+) /gm)].map((m) => m[1]!));
    for (const line of res.body.split('\n')) {
      const m = /^(ftm_\w+)(?:\{(.*)\})? /.exec(line);
      if (!m) continue;
      const labels = series.get(m[1]!) ?? new Set<string>();
      for (const pair of (m[2] ?? '').matchAll(/(\w+)="/g)) labels.add(pair[1]!);
      series.set(m[1]!, labels);
    }
    return { series, declared };
  }

  it('appear in a real /metrics scrape, with every label the alerts match or group by; the dashboard reads exported families', async () => {
    const { series: scraped, declared } = await scrapedSeries();
    const used: { alert: string; metric: string; labels: string[] }[] = [];
    for (const { alert, expr } of rules) {
      const grouping = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
      for (const m of expr.matchAll(/(ftm_\w+)(?:\{([^}]*)\})?/g)) {
        const matchers = [...(m[2] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1]!);
        used.push({ alert, metric: m[1]!, labels: [...matchers, ...grouping] });
      }
    }
    expect(used.length).toBeGreaterThanOrEqual(rules.length);
    // The dashboard reads FTM families that exist (some have no sample until something happens,
    // e.g. a dataset build, so only the family's declaration is checked).
    const dashboard = JSON.parse(readFileSync(join(root, 'examples/self-host/grafana/ftm-slo.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const families = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/ftm_\w+/g)].map((m) => ({ panel: p.title, family: m[0].replace(/_(bucket|sum|count)$/, '') }))),
    );
    expect(families.length).toBeGreaterThan(10);
    for (const { panel, family } of families) expect(declared.has(family), `dashboard panel "${panel}" reads ${family}, which /metrics does not declare`).toBe(true);
    for (const { alert, metric, labels } of used) {
      expect(scraped.has(metric), `${alert} reads ${metric}, which /metrics does not export`).toBe(true);
      for (const label of labels) expect(scraped.get(metric)!.has(label), `${alert}: ${metric} has no label ${label}`).toBe(true);
    }
  });
});
