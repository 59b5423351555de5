import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { uuidv7 } from '@ftm/core';
import { createTestApp, modelVersionBody, type TestApp } from '@ftm/test-support/server-app';
import { ContractValidator } from './support/contract-validator.js';
import { UNIMPLEMENTED_OPERATIONS } from '../src/contract/unimplemented-operations.js';

// Swagger UI's own assets under /docs/… are the rendering of /docs, not API operations.
const isDocsAsset = (url: string) => url.startsWith('/docs/');

let t: TestApp;
const contract = new ContractValidator();
const problems: string[] = [];
const exercised = new Set<string>();

/** Sends a request and checks its response against the contract under the given route. */
async function call(key: string | null, route: string, options: InjectOptions): Promise<LightMyRequestResponse> {
  const method = (options.method ?? 'GET').toUpperCase();
  const res = await t.request(key, { ...options, method: method as InjectOptions['method'] });
  problems.push(...contract.check(method, route, res));
  exercised.add(`${method} ${route}`);
  return res;
}

beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimitBytes: 64 * 1024 } });
});
afterAll(async () => t?.close());

describe('contract', () => {
  it('catches a response body that breaks its schema and an undocumented status', () => {
    const fake = (statusCode: number, body: unknown) =>
      ({ statusCode, headers: { 'content-type': 'application/json', 'x-request-id': 'r' }, body: JSON.stringify(body), json: () => body }) as unknown as LightMyRequestResponse;
    expect(contract.check('GET', '/healthz', fake(200, { status: 'fine' }))).toHaveLength(1);
    expect(contract.check('GET', '/healthz', fake(418, { status: 'ok' }))).toHaveLength(1);
    expect(contract.check('GET', '/healthz', fake(200, { status: 'ok' }))).toEqual([]);
  });

  it('serves no route that the contract lacks', () => {
    const missing = t.app.ftmRoutes.filter((r) => !isDocsAsset(r.url) && !contract.operationIdOf(r.method, r.url));
    expect(missing).toEqual([]);
  });

  it('lists exactly the contract operations it does not serve, and none it serves', () => {
    const implemented = new Set(t.app.ftmRoutes.filter((r) => !isDocsAsset(r.url)).map((r) => contract.operationIdOf(r.method, r.url)!));
    const overlap = UNIMPLEMENTED_OPERATIONS.filter((id) => implemented.has(id));
    expect(overlap).toEqual([]);
    expect(new Set(UNIMPLEMENTED_OPERATIONS).size).toBe(UNIMPLEMENTED_OPERATIONS.length);
    expect([...implemented, ...UNIMPLEMENTED_OPERATIONS].sort()).toEqual(contract.operationIds().sort());
  });

  it('answers every implemented route, success and failure, with documented statuses and bodies', async () => {
    const { a, b } = t;
    await call(null, '/healthz', { url: '/healthz' });
    await call(null, '/readyz', { url: '/readyz' });
    await call(null, '/openapi.json', { url: '/openapi.json' });
    await call(null, '/docs', { url: '/docs' });
    await call(a.memberKey, '/metrics', { url: '/metrics' });
    await call(null, '/metrics', { url: '/metrics' }); // 401

    // projects
    const project = (await call(a.adminKey, '/projects', { method: 'POST', url: '/projects', payload: { name: `p-${uuidv7()}` } })).json();
    await call(a.adminKey, '/projects', { method: 'POST', url: '/projects', payload: { name: project.name } }); // 409
    await call(a.memberKey, '/projects', { method: 'POST', url: '/projects', payload: { name: 'x' } }); // 403
    await call(a.adminKey, '/projects', { method: 'POST', url: '/projects', payload: { name: '' } }); // 400
    await call(null, '/projects', { method: 'POST', url: '/projects', payload: { name: 'x' } }); // 401
    await call(a.adminKey, '/projects', { method: 'POST', url: '/projects', payload: { name: 'x'.repeat(70_000) } }); // 413
    await call(a.memberKey, '/projects', { url: '/projects?limit=1' });
    await call(a.memberKey, '/projects', { url: '/projects?limit=0' }); // 400

    // api keys
    const key = (await call(a.adminKey, '/api-keys', { method: 'POST', url: '/api-keys', payload: { name: 'ci', role: 'member', project_id: project.id } })).json();
    await call(a.memberKey, '/api-keys', { method: 'POST', url: '/api-keys', payload: { name: 'x' } }); // 403
    await call(a.adminKey, '/api-keys', { url: '/api-keys?include_revoked=true' });
    await call(a.memberKey, '/api-keys', { url: '/api-keys' }); // 403
    await call(a.adminKey, '/api-keys/:id/revoke', { method: 'POST', url: `/api-keys/${key.id}/revoke` });
    await call(b.adminKey, '/api-keys/:id/revoke', { method: 'POST', url: `/api-keys/${key.id}/revoke` }); // 404
    await call(a.adminKey, '/api-keys/:id/revoke', { method: 'POST', url: '/api-keys/nope/revoke' }); // 400

    // model versions
    const body = modelVersionBody({ metadata: { team: 'support' } });
    const idem = uuidv7();
    const mv = (await call(a.memberKey, '/model-versions', { method: 'POST', url: '/model-versions', payload: body, headers: { 'idempotency-key': idem } })).json();
    const replay = await call(a.memberKey, '/model-versions', { method: 'POST', url: '/model-versions', payload: body, headers: { 'idempotency-key': idem } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await call(a.memberKey, '/model-versions', { method: 'POST', url: '/model-versions', payload: { ...body, name: 'other' }, headers: { 'idempotency-key': idem } }); // 422
    await call(a.memberKey, '/model-versions', { method: 'POST', url: '/model-versions', payload: body }); // 409 duplicate
    await call(a.memberKey, '/model-versions', { method: 'POST', url: '/model-versions', payload: { name: 1 } }); // 400
    await call(a.memberKey, '/model-versions', { url: '/model-versions?status=candidate&limit=1' });
    await call(a.memberKey, '/model-versions', { url: '/model-versions?status=gone' }); // 400
    await call(null, '/model-versions', { url: '/model-versions' }); // 401
    await call(a.memberKey, '/model-versions/:id', { url: `/model-versions/${mv.id}` });
    await call(b.memberKey, '/model-versions/:id', { url: `/model-versions/${mv.id}` }); // 404
    await call(a.memberKey, '/model-versions/:id', { url: '/model-versions/123' }); // 400
    await call(a.memberKey, '/model-versions/:id/approve', { method: 'POST', url: `/model-versions/${mv.id}/approve` });
    await call(a.memberKey, '/model-versions/:id/approve', { method: 'POST', url: `/model-versions/${mv.id}/approve` }); // 409
    await call(a.memberKey, '/model-versions/:id/approve', { method: 'POST', url: `/model-versions/${uuidv7()}/approve` }); // 404
    await call(a.memberKey, '/model-versions/:id/retire', { method: 'POST', url: `/model-versions/${mv.id}/retire` });
    await call(a.memberKey, '/model-versions/:id/retire', { method: 'POST', url: `/model-versions/${mv.id}/retire` }); // 409

    // events: the stream itself needs a real socket (inject waits for the end of the response)
    await call(null, '/events', { url: '/events' }); // 401
    await call(a.memberKey, '/events', { url: '/events', headers: { 'last-event-id': 'not-a-seq' } }); // 400
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const abort = new AbortController();
    const stream = await fetch(`${base}/events`, { headers: { authorization: `Bearer ${a.memberKey}` }, signal: abort.signal });
    expect([stream.status, stream.headers.get('content-type')?.split(';')[0], Boolean(stream.headers.get('x-request-id'))]).toEqual([200, 'text/event-stream', true]);
    expect(contract.operationIdOf('GET', '/events')).toBe('streamEvents');
    abort.abort();

    // uploads and datasets
    const jsonl = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
    const ndjson = { 'content-type': 'application/x-ndjson' };
    const upload = (await call(a.memberKey, '/uploads', { method: 'POST', url: '/uploads', payload: jsonl.repeat(3), headers: ndjson })).json();
    await call(a.memberKey, '/uploads', { method: 'POST', url: '/uploads', payload: Buffer.from([0x7b, 0, 0x7d]), headers: ndjson }); // 400 binary
    await call(a.memberKey, '/uploads', { method: 'POST', url: '/uploads', payload: jsonl, headers: { 'content-type': 'application/pdf' } }); // 400 media type
    await call(a.memberKey, '/uploads', { method: 'POST', url: '/uploads', payload: jsonl, headers: { ...ndjson, 'content-length': String(600 * 1024 * 1024) } }); // 413
    await call(null, '/uploads', { method: 'POST', url: '/uploads', payload: jsonl, headers: ndjson }); // 401
    await call(a.memberKey, '/uploads/:id', { url: `/uploads/${upload.id}` });
    await call(b.memberKey, '/uploads/:id', { url: `/uploads/${upload.id}` }); // 404
    await call(a.memberKey, '/uploads/:id', { url: '/uploads/nope' }); // 400
    const records = [
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
      },
    ];
    const dataset = (
      await call(a.memberKey, '/datasets', { method: 'POST', url: '/datasets', payload: { name: 'd', format: 'jsonl_chat', source: { type: 'upload', upload_id: upload.id }, min_examples: 1 } })
    ).json();
    await call(a.memberKey, '/datasets', { method: 'POST', url: '/datasets', payload: { name: 'd', format: 'jsonl_chat', source: { type: 'orchestrator_traces', filters: {} } } }); // 409
    await call(a.memberKey, '/datasets', { method: 'POST', url: '/datasets', payload: { name: 'd', format: 'csv', source: { type: 'inline', records } } }); // 400
    await call(b.memberKey, '/datasets', { method: 'POST', url: '/datasets', payload: { name: 'd', format: 'jsonl_chat', source: { type: 'upload', upload_id: upload.id } } }); // 404
    await call(a.memberKey, '/datasets', {
      method: 'POST',
      url: '/datasets',
      payload: { name: 'd', format: 'jsonl_chat', source: { type: 'inline', records: Array.from({ length: 2100 }, () => ({ text: 'x'.repeat(5000) })) } },
    }); // 413
    await call(a.memberKey, '/datasets/:id/content', { url: `/datasets/${dataset.id}/content` }); // 409 not ready
    await t.ftm.datasets.runBuildJob({ tenant_id: a.tenantId, dataset_id: dataset.id }, { attempt: 1, maxAttempts: 1 });
    await call(a.memberKey, '/datasets/:id/content', { url: `/datasets/${dataset.id}/content` });
    await call(a.memberKey, '/datasets/:id/content', { url: `/datasets/${dataset.id}/content?split=test` }); // 400
    await call(a.memberKey, '/datasets/:id/content', { url: `/datasets/${dataset.id}/content?split=validation` }); // 404 (no validation split)
    await call(a.memberKey, '/datasets', { url: '/datasets?status=ready&limit=1' });
    await call(a.memberKey, '/datasets', { url: '/datasets?status=done' }); // 400
    await call(a.memberKey, '/datasets/:id', { url: `/datasets/${dataset.id}` });
    await call(b.memberKey, '/datasets/:id', { url: `/datasets/${dataset.id}` }); // 404
    await call(a.memberKey, '/datasets/:id/rebuild', { method: 'POST', url: `/datasets/${dataset.id}/rebuild` });
    await call(b.memberKey, '/datasets/:id/rebuild', { method: 'POST', url: `/datasets/${dataset.id}/rebuild` }); // 404

    // fine-tuning jobs, approvals, provider webhooks (full flows live in the ft-jobs route tests)
    const created = await call(a.memberKey, '/ft-jobs', {
      method: 'POST',
      url: '/ft-jobs',
      payload: { dataset_id: dataset.id, base_model: 'gpt-4o-mini-2024-07-18', method: 'supervised', cost_threshold_usd: 0 },
    });
    expect(created.statusCode).toBe(201);
    await call(a.memberKey, '/ft-jobs', { method: 'POST', url: '/ft-jobs', payload: { dataset_id: 'x' } }); // 400
    await call(b.memberKey, '/ft-jobs', { method: 'POST', url: '/ft-jobs', payload: { dataset_id: dataset.id, base_model: 'gpt-4o-mini-2024-07-18' } }); // 404
    const jobs = (await call(a.memberKey, '/ft-jobs', { url: '/ft-jobs?limit=5' })).json();
    const jobId: string = jobs.data[0]?.id ?? uuidv7();
    await call(a.memberKey, '/ft-jobs/:id', { url: `/ft-jobs/${jobId}` });
    await call(b.memberKey, '/ft-jobs/:id', { url: `/ft-jobs/${jobId}` }); // 404
    await call(a.memberKey, '/ft-jobs/:id/events', { url: `/ft-jobs/${jobId}/events` });
    await call(a.memberKey, '/ft-jobs/:id/retarget', { method: 'POST', url: `/ft-jobs/${jobId}/retarget`, payload: { provider: 'simulated' } }); // 400 same provider
    await call(a.memberKey, '/ft-jobs/:id/retarget', { method: 'POST', url: `/ft-jobs/${jobId}/retarget`, payload: { provider: 'together' } }); // 409 not configured
    await call(b.memberKey, '/ft-jobs/:id/retarget', { method: 'POST', url: `/ft-jobs/${jobId}/retarget`, payload: { provider: 'together' } }); // 404
    await call(a.memberKey, '/ft-jobs/:id/cancel', { method: 'POST', url: `/ft-jobs/${jobId}/cancel` });
    await call(b.memberKey, '/ft-jobs/:id/cancel', { method: 'POST', url: `/ft-jobs/${jobId}/cancel` }); // 404
    const approvals = (await call(a.adminKey, '/approvals', { url: '/approvals' })).json();
    const approvalId: string = approvals.data[0]?.id ?? uuidv7();
    await call(a.adminKey, '/approvals/:id', { url: `/approvals/${approvalId}` });
    await call(b.adminKey, '/approvals/:id', { url: `/approvals/${approvalId}` }); // 404
    await call(a.memberKey, '/approvals/:id/approve', { method: 'POST', url: `/approvals/${approvalId}/approve`, payload: {} }); // 403 or 404
    await call(a.memberKey, '/approvals/:id/reject', { method: 'POST', url: `/approvals/${approvalId}/reject`, payload: {} }); // 403 or 404
    await call(null, '/provider-webhooks/:provider', {
      method: 'POST',
      url: '/provider-webhooks/openai',
      payload: '{}',
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,AAAA' },
    }); // 400

    // the OTLP receiver (its flows: routes/otlp/otlp.test.ts)
    const otlp = (key: string | null, payload: string | Buffer, headers: Record<string, string>) => call(key, '/otlp/v1/traces', { method: 'POST', url: '/otlp/v1/traces', payload, headers });
    const chatSpan = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }] };
    await otlp(a.memberKey, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [chatSpan] }] }] }), { 'content-type': 'application/json' }); // 200 partial success
    await otlp(a.memberKey, Buffer.alloc(0), { 'content-type': 'application/x-protobuf' }); // 200
    await otlp(a.memberKey, '{"resourceSpans":{}}', { 'content-type': 'application/json' }); // 400
    await otlp(null, '{}', { 'content-type': 'application/json' }); // 401
    await otlp(a.memberKey, gzipSync(Buffer.alloc(21 * 1024 * 1024, 0x20)), { 'content-type': 'application/json', 'content-encoding': 'gzip' }); // 413
    await otlp(a.memberKey, 'x', { 'content-type': 'text/plain' }); // 415
    const text = (v: string) => ({ stringValue: v });
    const withContent = {
      ...chatSpan,
      attributes: [
        ...chatSpan.attributes,
        { key: 'gen_ai.input.messages', value: text('[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]') },
        { key: 'gen_ai.output.messages', value: text('[{"role":"assistant","parts":[{"type":"text","content":"Hello"}]}]') },
        { key: 'app.feedback.score', value: { intValue: '5' } },
      ],
    };
    await otlp(a.memberKey, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [withContent] }] }] }), { 'content-type': 'application/json' }); // 200
    const spanFilters = { models: ['gpt-4o-mini'], attributes: [{ key: 'app.feedback.score', op: 'gte', value: 4 }], sample_rate: 1, max_records: 10 };
    await call(a.memberKey, '/datasets', {
      method: 'POST',
      url: '/datasets',
      payload: { name: 'p', format: 'jsonl_preference', source: { type: 'otel_spans', filters: spanFilters, preference: { score_attribute: 'app.feedback.score' } }, min_examples: 1 },
    });
    await call(a.memberKey, '/datasets', {
      method: 'POST',
      url: '/datasets',
      payload: { name: 's', format: 'jsonl_chat', source: { type: 'otel_spans', filters: { attributes: [{ key: 'x', op: 'gte', value: 'high' }] } } },
    }); // 400
    const fromSpans = (
      await call(a.memberKey, '/datasets', { method: 'POST', url: '/datasets', payload: { name: 's', format: 'jsonl_chat', source: { type: 'otel_spans' }, min_examples: 1 } })
    ).json();
    await t.ftm.datasets.runBuildJob({ tenant_id: a.tenantId, dataset_id: fromSpans.id }, { attempt: 1, maxAttempts: 1 });
    await call(a.memberKey, '/datasets/:id', { url: `/datasets/${fromSpans.id}` });
    await call(a.memberKey, '/datasets/:id/content', { url: `/datasets/${fromSpans.id}/content?split=lineage` });
    await call(a.memberKey, '/datasets/:id/content', { url: `/datasets/${dataset.id}/content?split=lineage` }); // 404 (an upload has no lineage)

    // evals (runs themselves are exercised in the eval route tests)
    const ask = (content: string) => ({ messages: [{ role: 'user', content }] });
    const suiteBody = { name: 'contract', cases: { type: 'inline', cases: [{ input: ask('What is 2+2?'), tags: ['math'] }] }, graders: [{ type: 'contains', values: ['4'] }], pass_threshold: 1 };
    const suiteRes = await call(a.memberKey, '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody });
    expect(suiteRes.statusCode).toBe(201);
    const suite = suiteRes.json();
    await call(a.memberKey, '/eval-suites', { method: 'POST', url: '/eval-suites', payload: { ...suiteBody, graders: [{ type: 'regex', pattern: '(' }] } }); // 400
    await call(a.memberKey, '/eval-suites', { url: '/eval-suites?limit=1' });
    await call(a.memberKey, '/eval-suites/:id', { url: `/eval-suites/${suite.id}` });
    await call(b.memberKey, '/eval-suites/:id', { url: `/eval-suites/${suite.id}` }); // 404
    await call(a.memberKey, '/eval-suites/:id/versions', { method: 'POST', url: `/eval-suites/${suite.id}/versions`, payload: { pass_threshold: 0.5 } });
    await call(a.memberKey, '/eval-suites/:id/cases', { url: `/eval-suites/${suite.id}/cases` });
    const runRes = await call(a.memberKey, '/eval-runs', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.id, model: { type: 'base_model', value: 'gpt-4o-mini' } } });
    expect(runRes.statusCode).toBe(201);
    const run = runRes.json();
    await call(a.memberKey, '/eval-runs', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.id, model: { type: 'magic', value: 'x' } } }); // 400
    await call(a.memberKey, '/eval-runs', { url: '/eval-runs?limit=1' });
    await call(a.memberKey, '/eval-runs/:id', { url: `/eval-runs/${run.id}` });
    await call(b.memberKey, '/eval-runs/:id', { url: `/eval-runs/${run.id}` }); // 404
    await call(a.memberKey, '/eval-runs/:id/results', { url: `/eval-runs/${run.id}/results` });
    await call(a.memberKey, '/eval-runs/:id/compare', { url: `/eval-runs/${run.id}/compare?baseline=${uuidv7()}` }); // 404
    await call(a.memberKey, '/eval-runs/:id/cancel', { method: 'POST', url: `/eval-runs/${run.id}/cancel` });

    // promotions, pointers and monitoring (swaps, resolve hits and overrides: the pointer route tests)
    const promotion = (
      await call(a.memberKey, '/promotions', { method: 'POST', url: '/promotions', payload: { model_version_id: mv.id, target: { type: 'assistant', value: 'contract-bot' }, min_eval_score: 0.5 } })
    ).json(); // 201 rejected (retired)
    await call(a.memberKey, '/promotions', { method: 'POST', url: '/promotions', payload: { model_version_id: mv.id, target: { type: 'global', value: 'all' }, min_eval_score: 0.5 } }); // 400
    await call(b.memberKey, '/promotions', { method: 'POST', url: '/promotions', payload: { model_version_id: mv.id, target: { type: 'global', value: '*' }, min_eval_score: 0.5 } }); // 404
    await call(a.memberKey, '/promotions', { url: '/promotions?decision=rejected&limit=1' });
    await call(a.memberKey, '/promotions/:id', { url: `/promotions/${promotion.id}` });
    await call(b.memberKey, '/promotions/:id', { url: `/promotions/${promotion.id}` }); // 404
    await call(a.memberKey, '/promotions/:id/rollback', { method: 'POST', url: `/promotions/${promotion.id}/rollback` }); // 409 not promoted
    await call(a.memberKey, '/production-pointers', { url: '/production-pointers?target_type=assistant' });
    await call(a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=contract-bot' }); // 404
    await call(a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve' }); // 400
    await call(a.memberKey, '/production-pointers/:id', { url: `/production-pointers/${uuidv7()}` }); // 404
    await call(a.memberKey, '/production-pointers/:id', { method: 'PATCH', url: `/production-pointers/${uuidv7()}`, payload: { model_version_id: mv.id, notes: 'x' } }); // 403
    await call(a.adminKey, '/production-pointers/:id', { method: 'PATCH', url: `/production-pointers/${uuidv7()}`, payload: { model_version_id: mv.id } }); // 400
    await call(a.memberKey, '/production-pointers/:id/history', { url: `/production-pointers/${uuidv7()}/history` }); // 404
    const reEval = (
      await call(a.memberKey, '/monitoring/re-evals', {
        method: 'POST',
        url: '/monitoring/re-evals',
        payload: { eval_suite_id: suite.id, target: { type: 'assistant', value: 'contract-bot' }, schedule: { type: 'cron', cron: '0 3 * * *' }, policy: { max_score_drop: 0.05 } },
      })
    ).json();
    await call(a.memberKey, '/monitoring/re-evals', {
      method: 'POST',
      url: '/monitoring/re-evals',
      payload: { eval_suite_id: suite.id, schedule: { type: 'immediate' }, policy: { max_score_drop: 0.05 } },
    }); // 400
    await call(a.memberKey, '/monitoring/re-evals', { url: '/monitoring/re-evals?status=active' });
    await call(a.memberKey, '/monitoring/re-evals/:id', { url: `/monitoring/re-evals/${reEval.id}` });
    await call(b.memberKey, '/monitoring/re-evals/:id', { url: `/monitoring/re-evals/${reEval.id}` }); // 404
    await call(a.memberKey, '/monitoring/re-evals/:id/pause', { method: 'POST', url: `/monitoring/re-evals/${reEval.id}/pause` });
    await call(a.memberKey, '/monitoring/re-evals/:id/resume', { method: 'POST', url: `/monitoring/re-evals/${reEval.id}/resume` });

    // webhook endpoints, deliveries and the audit trail (delivery flows live in the webhook route tests)
    const hook = { url: 'https://93.184.216.34/ftm-hook', event_types: ['model.promoted'] };
    const endpoint = (await call(a.adminKey, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: hook })).json();
    await call(a.adminKey, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: { url: 'https://169.254.169.254/latest' } }); // 400
    await call(a.adminKey, '/webhook-endpoints', { url: '/webhook-endpoints?limit=1' });
    await call(a.adminKey, '/webhook-endpoints/:id', { url: `/webhook-endpoints/${endpoint.id}` });
    await call(b.adminKey, '/webhook-endpoints/:id', { url: `/webhook-endpoints/${endpoint.id}` }); // 404
    await call(a.adminKey, '/webhook-endpoints/:id', { method: 'PATCH', url: `/webhook-endpoints/${endpoint.id}`, payload: { description: 'ops' } });
    await call(a.adminKey, '/webhook-endpoints/:id/rotate-secret', { method: 'POST', url: `/webhook-endpoints/${endpoint.id}/rotate-secret`, payload: { overlap_seconds: 60 } });
    await call(a.adminKey, '/webhooks/deliveries', { url: `/webhooks/deliveries?endpoint_id=${endpoint.id}` });
    await call(a.adminKey, '/webhooks/deliveries', { url: '/webhooks/deliveries?status=lost' }); // 400
    await call(a.adminKey, '/webhooks/deliveries/:id', { url: `/webhooks/deliveries/${uuidv7()}` }); // 404
    await call(a.adminKey, '/webhooks/deliveries/:id/redeliver', { method: 'POST', url: `/webhooks/deliveries/${uuidv7()}/redeliver` }); // 404
    await call(a.adminKey, '/webhooks/deliveries/replay', { method: 'POST', url: '/webhooks/deliveries/replay', payload: { since: '2020-01-01T00:00:00Z' } });
    await call(a.adminKey, '/webhook-endpoints/:id', { method: 'DELETE', url: `/webhook-endpoints/${endpoint.id}` });
    const audit = (await call(a.adminKey, '/audit-events', { url: '/audit-events?limit=2' })).json();
    await call(a.adminKey, '/audit-events', { url: '/audit-events?since=yesterday' }); // 400
    await call(a.adminKey, '/audit-events/:id', { url: `/audit-events/${audit.data[0].id}` });
    await call(b.adminKey, '/audit-events/:id', { url: `/audit-events/${audit.data[0].id}` }); // 404

    // Operator routes: this app has no FTM_OPERATOR_TOKEN (401); tenants.test.ts checks their other answers.
    await call(a.adminKey, '/tenants', { url: '/tenants' });
    await call(null, '/tenants', { method: 'POST', url: '/tenants', payload: { name: 'x' } });

    // providers and their credentials (flows live in routes/providers/providers.test.ts; this app has no FTM_SECRETS_KEY)
    await call(a.memberKey, '/providers', { url: '/providers' });
    await call(a.adminKey, '/providers/:provider/credentials', { url: '/providers/openai/credentials' }); // 404: openai is not registered here
    await call(a.adminKey, '/providers/:provider/credentials', { method: 'PUT', url: '/providers/simulated/credentials', payload: { api_key: 'k-1' } }); // 400
    await call(a.memberKey, '/providers/:provider/credentials', { method: 'PUT', url: '/providers/simulated/credentials', payload: { api_key: 'k-1' } }); // 403
    await call(a.adminKey, '/providers/:provider/credentials', { method: 'DELETE', url: '/providers/simulated/credentials' }); // 404
    await call(a.adminKey, '/integrations/langfuse/credentials', { url: '/integrations/langfuse/credentials' }); // 200, empty
    await call(a.adminKey, '/integrations/langfuse/credentials', { method: 'PUT', url: '/integrations/langfuse/credentials', payload: { public_key: 'sk-lf-x', secret_key: 'sk-lf-y' } }); // 400
    await call(a.memberKey, '/integrations/langfuse/credentials', { method: 'DELETE', url: '/integrations/langfuse/credentials' }); // 403

    expect(problems).toEqual([]);
    const served = t.app.ftmRoutes.filter((r) => !isDocsAsset(r.url)).map((r) => `${r.method} ${r.url}`);
    expect(served.filter((r) => !exercised.has(r))).toEqual([]);
  });
});
