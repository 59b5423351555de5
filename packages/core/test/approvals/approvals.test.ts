import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { ApprovalHooks } from '../../src/approvals/approval-hooks.js';
import { askPrism, requestApproval } from '../../src/approvals/request-approval.js';
import { listApprovals } from '../../src/approvals/list-approvals.js';
import { getApproval } from '../../src/approvals/get-approval.js';
import { approveApproval, rejectApproval } from '../../src/approvals/decide-approval.js';
import { syncPrismApproval } from '../../src/approvals/sync-prism-approval.js';
import { PrismClient } from '../../src/adapters/prism-approvals/prism-client.js';
import { ConflictError, DependencyUnavailableError, ForbiddenError, NotFoundError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';
import type { ServiceContext } from '../../src/shared/context.js';

const PRISM = 'https://prism.test';
const server = setupServer();
let t: TestDatabase;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createPgliteTestDatabase();
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await t.dispose();
});

async function openLocal(ctx: ServiceContext, projectId: string | null, cost = 42.5) {
  const input = { id: uuidv7(), kind: 'ft_job' as const, resourceId: uuidv7(), projectId, estimatedCostUsd: cost, reason: 'estimate above threshold' };
  return t.database.db.transaction().execute((trx) => requestApproval(trx, ctx, input));
}

describe('local approvals', () => {
  it('records a pending approval with its event and audit row', async () => {
    const { tenantId, projectId } = await seedTenant(t.database);
    const ctx = testContext({ tenantId, projectId });
    const approval = await openLocal(ctx, projectId);
    expect(approval).toMatchObject({ status: 'pending', source: 'local', estimated_cost_usd: 42.5, kind: 'ft_job', resource_type: 'ft_job' });
    const events = await t.database.db.selectFrom('outbox_events').select('type').where('resource_id', '=', approval.id).execute();
    expect(events.map((e) => e.type)).toEqual(['approval.requested']);
    const audit = await t.database.db.selectFrom('audit_events').select('action').where('resource_id', '=', approval.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['approval.request']);
  });

  it('lists and gets approvals of the tenant, filtered by status', async () => {
    const { tenantId, projectId } = await seedTenant(t.database);
    const ctx = testContext({ tenantId, projectId });
    const a = await openLocal(ctx, projectId);
    const b = await openLocal(ctx, projectId);
    const page = await listApprovals({ db: t.database.db }, ctx, { status: 'pending', limit: 1 });
    expect(page.data.map((x) => x.id)).toEqual([b.id]);
    const next = await listApprovals({ db: t.database.db }, ctx, { status: 'pending', limit: 1, cursor: page.next_cursor! });
    expect(next.data.map((x) => x.id)).toEqual([a.id]);
    expect((await getApproval({ db: t.database.db }, ctx, a.id)).id).toBe(a.id);
  });

  it("hides another tenant's approvals", async () => {
    const one = await seedTenant(t.database);
    const two = await seedTenant(t.database);
    const approval = await openLocal(testContext({ tenantId: one.tenantId }), one.projectId);
    await expect(getApproval({ db: t.database.db }, testContext({ tenantId: two.tenantId }), approval.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a decision from a non-admin key', async () => {
    const { tenantId, projectId } = await seedTenant(t.database);
    const approval = await openLocal(testContext({ tenantId }), projectId);
    const deps = { db: t.database.db, hooks: new ApprovalHooks() };
    await expect(approveApproval(deps, testContext({ tenantId, role: 'member' }), approval.id)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('approves once, runs the hook in the same transaction and its after-commit work, and refuses a second decision', async () => {
    const { tenantId, projectId } = await seedTenant(t.database);
    const approval = await openLocal(testContext({ tenantId }), projectId);
    const hooks = new ApprovalHooks();
    const seen: string[] = [];
    hooks.register('ft_job', async (trx, _ctx, decided) => {
      const row = await trx.selectFrom('approvals').select('status').where('id', '=', decided.id).executeTakeFirstOrThrow();
      seen.push(`in-tx:${row.status}`);
      return async () => {
        seen.push('after-commit');
      };
    });
    const admin = testContext({ tenantId, role: 'admin' });
    const decided = await approveApproval({ db: t.database.db, hooks }, admin, approval.id, { notes: 'within budget' });
    expect(decided).toMatchObject({ status: 'approved', decision_notes: 'within budget', decided_by: 'api_key:test-key-admin' });
    expect(seen).toEqual(['in-tx:approved', 'after-commit']);
    await expect(rejectApproval({ db: t.database.db, hooks }, admin, approval.id)).rejects.toBeInstanceOf(ConflictError);
    const events = await t.database.db.selectFrom('outbox_events').select('type').where('resource_id', '=', approval.id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['approval.requested', 'approval.decided']);
  });

  it('rolls the decision back when a hook fails', async () => {
    const { tenantId, projectId } = await seedTenant(t.database);
    const approval = await openLocal(testContext({ tenantId }), projectId);
    const hooks = new ApprovalHooks();
    hooks.register('ft_job', async () => {
      throw new Error('resource vanished');
    });
    const admin = testContext({ tenantId, role: 'admin' });
    await expect(rejectApproval({ db: t.database.db, hooks }, admin, approval.id)).rejects.toThrow('resource vanished');
    expect((await getApproval({ db: t.database.db }, admin, approval.id)).status).toBe('pending');
  });
});

describe('remote PRISM', () => {
  const prism = () => new PrismClient({ baseUrl: PRISM, apiKey: 'orch-key', sleep: async () => {} });

  it('opens the approval at PRISM with the documented body and our id as idempotency key', async () => {
    let seen: { body: unknown; key: string | null; auth: string | null } | undefined;
    server.use(
      http.post(`${PRISM}/v1/approvals`, async ({ request }) => {
        seen = { body: await request.json(), key: request.headers.get('idempotency-key'), auth: request.headers.get('authorization') };
        return HttpResponse.json({ id: 'prism_1', status: 'pending' }, { status: 201 });
      }),
    );
    const { tenantId, projectId } = await seedTenant(t.database);
    const ctx = testContext({ tenantId, projectId });
    const input = { id: uuidv7(), kind: 'ft_job' as const, resourceId: uuidv7(), projectId, estimatedCostUsd: 300, reason: 'over 100 USD' };
    const remote = await askPrism(prism(), ctx, input);
    expect(seen).toEqual({
      body: { kind: 'ft_job', tenant_id: tenantId, project_id: projectId, resource_id: input.resourceId, estimated_cost_usd: 300, reason: 'over 100 USD' },
      key: input.id,
      auth: 'Bearer orch-key',
    });
    const approval = await t.database.db.transaction().execute((trx) => requestApproval(trx, ctx, input, remote));
    expect(approval).toMatchObject({ source: 'prism', prism_approval_id: 'prism_1', status: 'pending' });
  });

  it('refuses a local decision on a PRISM approval and applies the decision PRISM later reports', async () => {
    const { tenantId, projectId } = await seedTenant(t.database);
    const ctx = testContext({ tenantId, projectId, role: 'admin' });
    const input = { id: uuidv7(), kind: 'ft_job' as const, resourceId: uuidv7(), projectId, estimatedCostUsd: 300, reason: 'r' };
    const remoteId = `prism_${input.id}`;
    await t.database.db.transaction().execute((trx) => requestApproval(trx, ctx, input, { id: remoteId, status: 'pending' }));
    const hooks = new ApprovalHooks();
    const decisions: string[] = [];
    hooks.register('ft_job', async (_trx, _ctx, a) => {
      decisions.push(a.status);
    });
    const deps = { db: t.database.db, hooks, prism: prism() };
    await expect(approveApproval(deps, ctx, input.id)).rejects.toMatchObject({ code: 'approval_remote' });

    let status = 'pending';
    server.use(http.get(`${PRISM}/v1/approvals/${remoteId}`, () => HttpResponse.json({ id: remoteId, status })));
    expect((await syncPrismApproval(deps, ctx, input.id)).status).toBe('pending');
    status = 'rejected';
    const synced = await syncPrismApproval(deps, ctx, input.id);
    expect(synced).toMatchObject({ status: 'rejected', decided_by: 'prism' });
    expect(decisions).toEqual(['rejected']);
  });

  it('reports PRISM being down as DependencyUnavailableError', async () => {
    server.use(http.post(`${PRISM}/v1/approvals`, () => new HttpResponse(null, { status: 503 })));
    const { tenantId } = await seedTenant(t.database);
    const input = { id: uuidv7(), kind: 'ft_job' as const, resourceId: uuidv7(), projectId: null, estimatedCostUsd: 1, reason: 'r' };
    await expect(askPrism(prism(), testContext({ tenantId }), input)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
