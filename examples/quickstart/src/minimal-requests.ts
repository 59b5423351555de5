/**
 * The smallest request bodies the API accepts, sent with @ftm/sdk: every field with a server
 * default is left out (the SDK's request types make them optional). Then the raw-response and
 * idempotency habits: `.withResponse()`, `requestId`, an `Idempotency-Key` replay, and an
 * ETag-revalidated `resolve`. Run `ftm start`, then:
 *
 *   FTM_BASE_URL=http://localhost:8080 FTM_API_KEY=ftm_… pnpm --filter @ftm/example-quickstart minimal
 */
import { ApiError, Ftm, type ChatMessage } from '@ftm/sdk';

if (!process.env.FTM_API_KEY) {
  console.error('Set FTM_API_KEY to the key `ftm start` printed (and FTM_BASE_URL if not http://localhost:8080).');
  process.exit(1);
}

// FTM_BASE_URL and FTM_API_KEY come from the environment.
const ftm = new Ftm();
const run = `${Date.now()}`;

async function main(): Promise<void> {
  const topics = ['billing', 'refunds', 'shipping', 'passwords', 'invoices', 'accounts', 'exports', 'webhooks', 'teams', 'plans', 'taxes', 'api keys'];
  const records = topics.map((topic): { messages: ChatMessage[] } => ({
    messages: [
      { role: 'user', content: `Where do I manage ${topic}?` },
      { role: 'assistant', content: `Open Settings, then the ${topic} page.` },
    ],
  }));
  const dataset = await ftm.datasets.create({ name: `minimal-${run}`, format: 'jsonl_chat', source: { type: 'inline', records } });
  const built = await ftm.datasets.waitUntilDone(dataset.id, { pollIntervalMs: 250 });
  console.log(`dataset ${built.status} (base_model ${built.base_model}, min_examples defaulted)`);

  const job = await ftm.ftJobs.create({ dataset_id: dataset.id, base_model: 'gpt-4o-mini-2024-07-18' });
  console.log(`ft job ${job.status} (method ${job.method})`);
  const canceled = await ftm.ftJobs.cancel(job.id);
  console.log(`ft job ${canceled.status}`);

  const suite = await ftm.evalSuites.create({
    name: `minimal-${run}`,
    cases: { type: 'inline', cases: [{ input: { messages: [{ role: 'user', content: 'Opening hours?' }] }, expected_output: '9 to 5' }] },
    graders: [
      { type: 'contains', values: ['9'] },
      { type: 'json_schema', schema: { type: 'object', required: ['answer'], properties: { answer: { type: 'string' } } } },
    ],
    pass_threshold: 0,
  });
  console.log(`eval suite v${suite.version} (grader weights ${suite.graders.map((g) => g.weight).join(', ')})`);

  const version = await ftm.modelVersions.create({
    name: `minimal-${run}`,
    provider: 'simulated',
    provider_model_id: `ft:gpt-4o-mini-2024-07-18:acme:minimal:${run}`,
    base_model: 'gpt-4o-mini-2024-07-18',
  });
  const evalRun = await ftm.evalRuns.create({ eval_suite_id: suite.id, model: { type: 'ft_model_version', value: version.id } });
  const evaluated = await ftm.evalRuns.waitUntilDone(evalRun.id, { pollIntervalMs: 250 });
  console.log(`eval run ${evaluated.status} (concurrency ${evaluated.concurrency})`);

  const assistant = `minimal-${run}`;
  const promotion = await ftm.promotions.create({ model_version_id: version.id, target: { type: 'assistant', value: assistant }, min_eval_score: 0 });
  console.log(`promotion ${promotion.decision}`);
  const first = await ftm.productionPointers.resolve({ assistant }).withResponse();
  const again = await ftm.productionPointers.resolve({ assistant }).withResponse();
  console.log(`resolve ${first.response.status} then ${again.response.status}: ${again.data.provider_model_id === version.provider_model_id ? 'same model' : 'different model'}`);

  const endpoint = await ftm.webhookEndpoints.create({ url: 'http://localhost:3000/webhooks' });
  console.log(`webhook endpoint enabled=${endpoint.enabled} secret=${endpoint.secret?.startsWith('whsec_') ? 'whsec_…' : '?'}`);
  const reEval = await ftm.reEvals.create({
    eval_suite_id: suite.id,
    target: { type: 'assistant', value: assistant },
    schedule: { type: 'cron', cron: '0 3 * * *' },
    policy: { max_score_drop: 0.05 },
  });
  console.log(`re-eval ${reEval.status} (auto_rollback ${reEval.policy.auto_rollback})`);

  const key = `minimal-project-${run}`;
  const created = await ftm.projects.create({ name: `minimal-${run}` }, { idempotencyKey: key }).withResponse();
  const replayed = await ftm.projects.create({ name: `minimal-${run}` }, { idempotencyKey: key }).withResponse();
  console.log(`project replayed=${replayed.response.headers.get('idempotent-replayed')} same=${created.data.id === replayed.data.id} request ${created.requestId ? 'id present' : 'id missing'}`);
}

main().catch((error: unknown) => {
  if (error instanceof ApiError) console.error(`FTM answered ${error.status ?? 'nothing'} (${error.code ?? error.name}): ${error.message} [request ${error.requestId ?? '-'}]`);
  else console.error(error);
  process.exit(1);
});
