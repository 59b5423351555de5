import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { recordAudit } from '../../src/audit/record-audit.js';
import { AuditForwarder } from '../../src/audit/audit-forwarding-loop.js';
import { forwardAuditEvents } from '../../src/audit/forward-audit-events.js';
import { OrchestratorAuditClient } from '../../src/adapters/orchestrator/audit-client.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/shared/logger.js';
import type { ServiceContext } from '../../src/shared/context.js';

const ORCH = 'http://orchestrator.test';
const server = setupServer();

/** The Orchestrator's audit API as docs/integrations.md describes it, with an outage switch. */
class FakeOrchestratorAudit {
  down = false;
  refuse = new Set<string>();
  readonly recorded = new Map<string, string>();
  readonly accepted: string[] = [];
  readonly attempts: { key: string | null; auth: string | null; body: Record<string, unknown> }[] = [];
  handler = http.post(`${ORCH}/v1/audit/events`, async ({ request }) => {
    const key = request.headers.get('idempotency-key');
    const body = (await request.json()) as Record<string, unknown>;
    this.attempts.push({ key, auth: request.headers.get('authorization'), body });
    if (this.down) return HttpResponse.json({ error: 'unavailable' }, { status: 503 });
    if (key && this.refuse.has(key)) return HttpResponse.json({ error: 'invalid event' }, { status: 400 });
    if (!key) return HttpResponse.json({ error: 'Idempotency-Key required' }, { status: 400 });
    const known = this.recorded.get(key);
    if (known) return HttpResponse.json({ id: known }, { status: 200 });
    const id = `orch-audit-${this.recorded.size + 1}`;
    this.recorded.set(key, id);
    this.accepted.push(key);
    return HttpResponse.json({ id }, { status: 201 });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe.each(storeAdapters)('audit forwarding to the Orchestrator on $name', ({ create }) => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let orchestrator: FakeOrchestratorAudit;
  const client = () => new OrchestratorAuditClient({ baseUrl: ORCH, apiKey: 'ftm-service-credential', sleep: async () => {}, breaker: { failureThreshold: 3, resetAfterMs: 20 } });
  const write = (n: number) =>
    t.database.db.transaction().execute(async (trx) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(await recordAudit(trx, ctx, { action: 'model_version.create', resourceType: 'model_version', resourceId: null, summary: `row ${i}` }));
      }
      return ids;
    });
  const unforwarded = async () =>
    (
      await t.database.db
        .selectFrom('audit_events')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('forwarded_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n;

  beforeAll(async () => {
    t = await create();
    ctx = testContext({ tenantId: (await seedTenant(t.database)).tenantId });
  });
  afterAll(async () => t?.dispose());
  afterEach(async () => {
    await t.database.db.deleteFrom('audit_events').execute();
  });

  it('survives an outage: nothing forwards while it answers 503, every row forwards once it recovers, none twice', async () => {
    orchestrator = new FakeOrchestratorAudit();
    server.use(orchestrator.handler);
    orchestrator.down = true;
    const ids = await write(25);
    const forwarders = [1, 2].map(() => new AuditForwarder({ database: t.database, sink: client(), clock: systemClock, logger: silentLogger, intervalMs: 10, maxBackoffMs: 50, batchSize: 10 }));
    forwarders.forEach((f) => f.start());
    try {
      await waitFor(async () => orchestrator.attempts.length >= 12, 'attempts during the outage');
      expect(orchestrator.accepted).toEqual([]);
      expect(Number(await unforwarded())).toBe(25);
      const failing = await t.database.db.selectFrom('audit_events').select(['forward_attempts', 'forward_error']).where('id', '=', ids[0]!).executeTakeFirstOrThrow();
      expect(failing.forward_attempts).toBeGreaterThan(0);
      expect(failing.forward_error).toMatch(/orchestrator/);

      orchestrator.down = false;
      await waitFor(async () => Number(await unforwarded()) === 0, 'every row forwarded after recovery');
      const more = await write(5);
      await waitFor(async () => Number(await unforwarded()) === 0, 'rows written after recovery forwarded');

      const all = [...ids, ...more];
      expect([...orchestrator.accepted].sort()).toEqual([...all].sort());
      const rows = await t.database.db.selectFrom('audit_events').select(['id', 'orchestrator_audit_id', 'forwarded_at', 'forward_error']).execute();
      for (const row of rows) {
        expect(row.orchestrator_audit_id).toBe(orchestrator.recorded.get(row.id));
        expect(row.forwarded_at).not.toBeNull();
        expect(row.forward_error).toBeNull();
      }
      // every POST named its row, with FTM's credential, in the documented shape
      expect(orchestrator.attempts.every((a) => a.key === a.body.id && a.auth === 'Bearer ftm-service-credential' && a.body.source === 'ftm')).toBe(true);
      // forwarded in the order written
      expect(orchestrator.accepted.slice(0, ids.length)).toEqual(ids);
    } finally {
      await Promise.all(forwarders.map((f) => f.stop()));
    }
    const sentAfter = orchestrator.attempts.length;
    expect(await forwardAuditEvents({ database: t.database, sink: client(), clock: systemClock, logger: silentLogger })).toMatchObject({ forwarded: 0 });
    expect(orchestrator.attempts.length).toBe(sentAfter);
  });

  it('keeps a refused row aside with its error, forwards the rows after it, and retries it later', async () => {
    orchestrator = new FakeOrchestratorAudit();
    server.use(orchestrator.handler);
    const [bad, ...good] = await write(3);
    orchestrator.refuse.add(bad!);
    const refused = new Map<string, number>();
    const options = { database: t.database, sink: client(), clock: systemClock, logger: silentLogger, refused, refusalBackoff: { baseMs: 0, maxMs: 0 } };
    expect(await forwardAuditEvents(options)).toMatchObject({ forwarded: 2, refused: 1, unavailable: false });
    expect(orchestrator.accepted).toEqual(good);
    const row = await t.database.db.selectFrom('audit_events').selectAll().where('id', '=', bad!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ forwarded_at: null, forward_attempts: 1, forward_error: 'refused with HTTP 400' });
    orchestrator.refuse.clear();
    expect(await forwardAuditEvents(options)).toMatchObject({ forwarded: 1, refused: 0 });
    expect(orchestrator.accepted).toEqual([...good, bad]);
  });
});
