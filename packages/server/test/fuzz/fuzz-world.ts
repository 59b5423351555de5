/**
 * The world the fuzzer runs in: the test app with two tenants, each given one resource of every
 * kind through the API (a ready dataset, a job awaiting approval, an eval run, a promotion…).
 * Tenant B's names carry a marker so a response showing any of B's data is easy to spot.
 */
import { uuidv7 } from '@ftm/core';
import type { TestApp, TestTenant } from '@ftm/test-support/server-app';
import { modelVersionBody } from '@ftm/test-support/server-app';

/** Resource kinds a path or body id can name. */
export type Kind = 'project' | 'apiKey' | 'modelVersion' | 'upload' | 'dataset' | 'evalSuite' | 'evalRun' | 'ftJob' | 'approval' | 'promotion' | 'reEval' | 'webhookEndpoint' | 'auditEvent' | 'tenant';

export type Pools = Record<Kind, string[]>;

export interface SeededTenant {
  readonly tenant: TestTenant;
  readonly ids: Pools;
  /** Every string of this tenant's that another tenant must never see. */
  readonly secrets: string[];
}

const emptyPools = (): Pools => ({
  project: [],
  apiKey: [],
  modelVersion: [],
  upload: [],
  dataset: [],
  evalSuite: [],
  evalRun: [],
  ftJob: [],
  approval: [],
  promotion: [],
  reEval: [],
  webhookEndpoint: [],
  auditEvent: [],
  tenant: [],
});

/** Creates one resource of each kind for the tenant, named with `marker`. */
export async function seedTenantResources(t: TestApp, tenant: TestTenant, marker: string): Promise<SeededTenant> {
  const ids = emptyPools();
  const post = async (key: string, url: string, payload: unknown, headers: Record<string, string> = {}) => {
    const res = await t.request(key, { method: 'POST', url, payload: payload as Record<string, unknown>, headers });
    if (res.statusCode >= 300) throw new Error(`seeding ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as { id: string } & Record<string, unknown>;
  };
  ids.tenant.push(tenant.tenantId);
  ids.project.push(tenant.projectId, (await post(tenant.adminKey, '/projects', { name: `${marker}-project` })).id);
  ids.apiKey.push((await post(tenant.adminKey, '/api-keys', { name: `${marker}-key`, role: 'member' })).id);
  const mv = await post(tenant.memberKey, '/model-versions', modelVersionBody({ name: `${marker}-model`, metadata: { owner: marker } }));
  ids.modelVersion.push(mv.id);
  const line = JSON.stringify({
    messages: [
      { role: 'user', content: `${marker} hi` },
      { role: 'assistant', content: 'hello' },
    ],
  });
  ids.upload.push((await post(tenant.memberKey, '/uploads', `${line}\n`.repeat(3), { 'content-type': 'application/x-ndjson' })).id);
  const records = [1, 2, 3].map((i) => ({
    messages: [
      { role: 'user', content: `${marker} question ${i}` },
      { role: 'assistant', content: `answer ${i}` },
    ],
  }));
  const dataset = await post(tenant.memberKey, '/datasets', { name: `${marker}-dataset`, format: 'jsonl_chat', source: { type: 'inline', records }, min_examples: 1 });
  ids.dataset.push(dataset.id);
  await t.ftm.datasets.runBuildJob({ tenant_id: tenant.tenantId, dataset_id: dataset.id }, { attempt: 1, maxAttempts: 1 });
  const job = await post(tenant.memberKey, '/ft-jobs', { dataset_id: dataset.id, base_model: 'gpt-4o-mini-2024-07-18', method: 'supervised', cost_threshold_usd: 0 });
  ids.ftJob.push(job.id);
  const approvals = (await t.request(tenant.adminKey, { url: '/approvals' })).json() as { data: { id: string }[] };
  ids.approval.push(...approvals.data.map((a) => a.id));
  const suite = await post(tenant.memberKey, '/eval-suites', {
    name: `${marker}-suite`,
    cases: { type: 'inline', cases: [{ input: { messages: [{ role: 'user', content: `${marker}: 2+2?` }] }, tags: ['math'] }] },
    graders: [{ type: 'contains', values: ['4'] }],
    pass_threshold: 1,
  });
  ids.evalSuite.push(suite.id);
  ids.evalRun.push((await post(tenant.memberKey, '/eval-runs', { eval_suite_id: suite.id, model: { type: 'base_model', value: 'gpt-4o-mini' } })).id);
  ids.promotion.push((await post(tenant.memberKey, '/promotions', { model_version_id: mv.id, target: { type: 'assistant', value: `${marker}-bot` }, min_eval_score: 0.5 })).id);
  ids.reEval.push(
    (
      await post(tenant.memberKey, '/monitoring/re-evals', {
        eval_suite_id: suite.id,
        target: { type: 'assistant', value: `${marker}-bot` },
        schedule: { type: 'cron', cron: '0 3 * * *' },
        policy: { max_score_drop: 0.05 },
      })
    ).id,
  );
  ids.webhookEndpoint.push((await post(tenant.adminKey, '/webhook-endpoints', { url: 'https://93.184.216.34/ftm-hook', event_types: ['model.promoted'], description: `${marker}-hook` })).id);
  const audit = (await t.request(tenant.adminKey, { url: '/audit-events?limit=5' })).json() as { data: { id: string }[] };
  ids.auditEvent.push(...audit.data.map((a) => a.id));
  const secrets = [marker, tenant.adminKey, tenant.memberKey, tenant.scopedKey, ...Object.values(ids).flat()];
  return { tenant, ids, secrets };
}

/** The kind a path's `{id}` names, from the path's first segments. */
export function kindOfPath(path: string): Kind | undefined {
  const table: [string, Kind][] = [
    ['/api-keys/', 'apiKey'],
    ['/model-versions/', 'modelVersion'],
    ['/uploads/', 'upload'],
    ['/datasets/', 'dataset'],
    ['/eval-suites/', 'evalSuite'],
    ['/eval-runs/', 'evalRun'],
    ['/ft-jobs/', 'ftJob'],
    ['/approvals/', 'approval'],
    ['/promotions/', 'promotion'],
    ['/monitoring/re-evals/', 'reEval'],
    ['/webhook-endpoints/', 'webhookEndpoint'],
    ['/audit-events/', 'auditEvent'],
  ];
  return table.find(([prefix]) => path.startsWith(prefix))?.[1];
}

/** The kind a body property or query parameter names, from its name. */
export function kindOfName(name: string | undefined): Kind | undefined {
  if (!name) return undefined;
  const table: Record<string, Kind> = {
    project_id: 'project',
    dataset_id: 'dataset',
    parent_dataset_id: 'dataset',
    dataset_group_id: 'dataset',
    upload_id: 'upload',
    model_version_id: 'modelVersion',
    ft_job_id: 'ftJob',
    eval_suite_id: 'evalSuite',
    suite_group_id: 'evalSuite',
    eval_run_id: 'evalRun',
    baseline: 'evalRun',
    baseline_run_id: 'evalRun',
    endpoint_id: 'webhookEndpoint',
    actor_id: 'apiKey',
  };
  return table[name];
}

export const newId = uuidv7;
