import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GovernanceRequest } from '../../src/ports/governance.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { parsePolicy } from '../../src/governance/load-policy-file.js';
import { createGovernanceEngine } from '../../src/governance/create-governance-engine.js';
import { OrchestratorGovernanceClient } from '../../src/adapters/orchestrator/governance-client.js';
import { DependencyUnavailableError, ValidationError } from '../../src/shared/errors.js';
import { isUuid } from '../../src/shared/ids.js';

const request = (overrides: Partial<GovernanceRequest> = {}): GovernanceRequest => ({
  action: 'ft.job.create',
  tenantId: '0190a000-0000-7000-8000-000000000001',
  projectId: '0190a000-0000-7000-8000-000000000002',
  actor: { type: 'api_key', id: 'key-1', role: 'member' },
  resource: { type: 'ft_job', attributes: { base_model: 'gpt-4.1-2025-04-14', estimated_cost_usd: 12 } },
  ...overrides,
});

const POLICY_YAML = `
version: 1
default: allow
rules:
  - id: big-models-admin-only
    actions: [ft.job.create]
    effect: deny
    when: { roles: [member], base_models: ["gpt-4.1-2025*", "gpt-4o-2024*"] }
    reason: only admins fine-tune the large models
  - id: cost-cap
    actions: ["*"]
    effect: deny
    when: { cost_usd_above: 500 }
    reason: spend above 500 USD is not allowed
  - id: frozen-project
    actions: [ft.job.create, model.promote]
    effect: deny
    when: { project_ids: ["0190a000-0000-7000-8000-0000000000ff"] }
    reason: the project is frozen
`;

describe('local governance engine', () => {
  const engine = new LocalGovernanceEngine(parsePolicy(POLICY_YAML));

  it('denies by the first matching rule and names it in the reason', async () => {
    const decision = await engine.check(request());
    expect(decision.decision).toBe('deny');
    expect(decision.reasons).toEqual(['rule big-models-admin-only: only admins fine-tune the large models']);
    expect(decision.source).toBe('local');
  });

  it('gives every decision a fresh UUIDv7 id', async () => {
    const a = await engine.check(request());
    const b = await engine.check(request());
    expect(isUuid(a.decisionId)).toBe(true);
    expect(a.decisionId[14]).toBe('7');
    expect(a.decisionId).not.toBe(b.decisionId);
  });

  it('allows an admin what a member is denied', async () => {
    const decision = await engine.check(request({ actor: { type: 'api_key', id: 'k', role: 'admin' } }));
    expect(decision.decision).toBe('allow');
    expect(decision.reasons[0]).toMatch(/no rule matched ft.job.create; the policy default is allow/);
  });

  it('denies on cost above the cap for any action', async () => {
    const decision = await engine.check(request({ action: 'eval.run', resource: { type: 'eval_run', attributes: { estimated_cost_usd: 501 } } }));
    expect(decision.reasons[0]).toMatch(/cost-cap/);
  });

  it('does not let a cost rule match a request that carries no cost', async () => {
    const decision = await engine.check(request({ action: 'eval.run', resource: { type: 'eval_run' } }));
    expect(decision.decision).toBe('allow');
  });

  it('matches rules by project', async () => {
    const decision = await engine.check(request({ projectId: '0190a000-0000-7000-8000-0000000000ff', actor: { type: 'api_key', id: 'k', role: 'admin' } }));
    expect(decision.reasons[0]).toMatch(/frozen-project/);
  });

  it('falls back to a deny default when the policy says so', async () => {
    const strict = new LocalGovernanceEngine(parsePolicy('{"version":1,"default":"deny"}'));
    expect((await strict.check(request())).decision).toBe('deny');
  });
});

describe('policy files', () => {
  it('rejects a policy with an unknown effect, naming the field', () => {
    const error = (() => {
      try {
        parsePolicy('version: 1\ndefault: allow\nrules:\n  - { id: r, actions: ["*"], effect: maybe, reason: x }');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors[0]?.path).toBe('rules.0.effect');
  });

  it('rejects text that is not YAML', () => {
    expect(() => parsePolicy('version: [1')).toThrow(ValidationError);
  });

  it('loads a JSON policy file through the factory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ftm-policy-'));
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ version: 1, default: 'deny', rules: [{ id: 'ok', actions: ['ft.job.create'], effect: 'allow', reason: 'fine' }] }));
    const engine = await createGovernanceEngine({ env: 'prod', policyFile: file });
    expect((await engine.check(request())).decision).toBe('allow');
    expect((await engine.check(request({ action: 'model.promote' }))).decision).toBe('deny');
  });

  it('allows by default in dev and denies by default in prod when no policy is configured', async () => {
    expect((await (await createGovernanceEngine({ env: 'dev' })).check(request())).decision).toBe('allow');
    expect((await (await createGovernanceEngine({ env: 'prod' })).check(request())).decision).toBe('deny');
  });
});

describe('Orchestrator GovernanceCheck client', () => {
  const ORCH = 'https://orchestrator.test';
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  const client = () => new OrchestratorGovernanceClient({ baseUrl: ORCH, apiKey: 'orch-key', sleep: async () => {} });

  it('sends the documented request and returns the decision with its id and reasons', async () => {
    let seen: { auth: string | null; body: unknown } | undefined;
    server.use(
      http.post(`${ORCH}/v1/governance/check`, async ({ request: r }) => {
        seen = { auth: r.headers.get('authorization'), body: await r.json() };
        return HttpResponse.json({ decision: 'deny', decision_id: 'gov_123', reasons: ['budget exhausted'] });
      }),
    );
    const decision = await client().check(request({ context: { dataset_id: 'd' } }));
    expect(decision).toEqual({ decision: 'deny', decisionId: 'gov_123', reasons: ['budget exhausted'], source: 'orchestrator' });
    expect(seen).toEqual({
      auth: 'Bearer orch-key',
      body: {
        action: 'ft.job.create',
        tenant_id: '0190a000-0000-7000-8000-000000000001',
        project_id: '0190a000-0000-7000-8000-000000000002',
        actor: { type: 'api_key', id: 'key-1', role: 'member' },
        resource: { type: 'ft_job', id: null, attributes: { base_model: 'gpt-4.1-2025-04-14', estimated_cost_usd: 12 } },
        context: { dataset_id: 'd' },
      },
    });
  });

  it('retries a 503 and then takes the decision', async () => {
    let calls = 0;
    server.use(
      http.post(`${ORCH}/v1/governance/check`, () => {
        calls += 1;
        return calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ decision: 'allow', decision_id: 'gov_2', reasons: [] });
      }),
    );
    expect((await client().check(request())).decision).toBe('allow');
    expect(calls).toBe(2);
  });

  it('fails closed with DependencyUnavailableError when the Orchestrator stays down', async () => {
    server.use(http.post(`${ORCH}/v1/governance/check`, () => new HttpResponse(null, { status: 500 })));
    await expect(client().check(request())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('fails closed on an answer that is not a decision', async () => {
    server.use(http.post(`${ORCH}/v1/governance/check`, () => HttpResponse.json({ decision: 'perhaps' })));
    await expect(client().check(request())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('is what the factory returns when the Orchestrator is configured', async () => {
    server.use(http.post(`${ORCH}/v1/governance/check`, () => HttpResponse.json({ decision: 'allow', decision_id: 'gov_9', reasons: [] })));
    const engine = await createGovernanceEngine({ env: 'prod', orchestrator: { baseUrl: ORCH, apiKey: 'k' } });
    expect(await engine.check(request())).toMatchObject({ decisionId: 'gov_9', source: 'orchestrator' });
  });
});
