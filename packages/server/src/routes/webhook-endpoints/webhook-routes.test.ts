import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createFtm, ManualClock, FsBlobStore, openQueue, recordEvent, toDispatchPayload, uuidv7, type Ftm, type WebhooksService } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { startReceiver, type TestReceiver } from '../../../../core/test/webhooks/support/receiver.js';
import { ContractValidator } from '../../../test/support/contract-validator.js';
import { buildApp } from '../../app.js';
import { createLogger } from '../../http/logger.js';

interface Tenant {
  readonly tenantId: string;
  readonly key: string;
}

describe('webhook and audit routes', () => {
  let t: TestDatabase;
  let ftm: Ftm;
  let webhooks: WebhooksService;
  let app: FastifyInstance;
  let receiver: TestReceiver;
  let blobDir: string;
  let a: Tenant;
  let b: Tenant;
  const contract = new ContractValidator();
  const problems: string[] = [];

  const call = async (tenant: Tenant | null, route: string, options: InjectOptions): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
    if (tenant) headers.authorization = `Bearer ${tenant.key}`;
    const method = (options.method ?? 'GET').toUpperCase();
    if (method === 'POST' || method === 'PATCH') headers['idempotency-key'] ??= uuidv7();
    const res = await app.inject({ ...options, headers });
    problems.push(...contract.check(method, route, res));
    return res;
  };
  const seed = async (): Promise<Tenant> => {
    const { tenantId } = await seedTenant(ftm.database);
    const key = (await ftm.auth.createApiKey(testContext({ tenantId, role: 'admin' }), { name: 'admin', role: 'admin' })).secret;
    return { tenantId, key };
  };

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    blobDir = await mkdtemp(join(tmpdir(), 'ftm-webhook-routes-'));
    const queue = openQueue({ type: 'local', database: t.database });
    ftm = createFtm({ database: t.database, blobs: new FsBlobStore({ root: blobDir }), queue, webhooks: { settings: { destinationAllowlist: ['127.0.0.1'] } } });
    webhooks = ftm.webhooks;
    app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger: createLogger({ level: 'silent' }) });
    await app.ready();
    receiver = await startReceiver();
    a = await seed();
    b = await seed();
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await ftm?.close().catch(() => undefined);
    await t?.dispose().catch(() => undefined);
    await rm(blobDir, { recursive: true, force: true });
  });

  it('manages an endpoint through the API, every answer as the contract says', async () => {
    const created = await call(a, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: { url: receiver.url, event_types: ['model.promoted'] } });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(created.headers['cache-control']).toBe('no-store');

    const got = await call(a, '/webhook-endpoints/:id', { url: `/webhook-endpoints/${endpoint.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    expect((await call(a, '/webhook-endpoints', { url: '/webhook-endpoints?enabled=true&limit=10' })).json().data.map((e: { id: string }) => e.id)).toContain(endpoint.id);

    const patched = await call(a, '/webhook-endpoints/:id', { method: 'PATCH', url: `/webhook-endpoints/${endpoint.id}`, payload: { description: 'ops', enabled: false } });
    expect(patched.json()).toMatchObject({ description: 'ops', enabled: false, disabled_reason: 'disabled' });

    const rotated = await call(a, '/webhook-endpoints/:id/rotate-secret', { method: 'POST', url: `/webhook-endpoints/${endpoint.id}/rotate-secret`, payload: { overlap_seconds: 3600 } });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(endpoint.secret);
    expect(rotated.json().previous_secret_expires_at).not.toBeNull();
    const rotatedNoBody = await call(a, '/webhook-endpoints/:id/rotate-secret', { method: 'POST', url: `/webhook-endpoints/${endpoint.id}/rotate-secret` });
    expect(rotatedNoBody.statusCode).toBe(200);

    expect((await call(b, '/webhook-endpoints/:id', { url: `/webhook-endpoints/${endpoint.id}` })).statusCode).toBe(404);
    expect((await call(b, '/webhook-endpoints/:id', { method: 'DELETE', url: `/webhook-endpoints/${endpoint.id}` })).statusCode).toBe(404);
    const deleted = await call(a, '/webhook-endpoints/:id', { method: 'DELETE', url: `/webhook-endpoints/${endpoint.id}` });
    expect(deleted.statusCode).toBe(204);
    expect((await call(a, '/webhook-endpoints/:id', { url: `/webhook-endpoints/${endpoint.id}` })).statusCode).toBe(404);
    expect(problems).toEqual([]);
  });

  it('answers a refused destination, bad input and bad ids with 400 problems', async () => {
    const refused = await call(a, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: { url: 'https://169.254.169.254/latest/meta-data' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'url' }] });
    expect((await call(a, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: { url: receiver.url, extra: 1 } })).statusCode).toBe(400);
    expect((await call(a, '/webhook-endpoints/:id', { url: '/webhook-endpoints/nope' })).statusCode).toBe(400);
    expect((await call(a, '/webhooks/deliveries', { url: '/webhooks/deliveries?status=lost' })).statusCode).toBe(400);
    expect((await call(a, '/webhooks/deliveries/replay', { method: 'POST', url: '/webhooks/deliveries/replay', payload: { since: 'yesterday' } })).statusCode).toBe(400);
    expect((await call(a, '/audit-events', { url: '/audit-events?since=yesterday' })).statusCode).toBe(400);
    expect(problems).toEqual([]);
  });

  it('shows deliveries with their attempts, redelivers one and replays dead letters', async () => {
    const endpoint = (await call(a, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: { url: receiver.url } })).json();
    const ctx = testContext({ tenantId: a.tenantId, clock: new ManualClock(new Date()) });
    const eventId = await t.database.db.transaction().execute((trx) => recordEvent(trx, ctx, { type: 'eval.completed', resourceType: 'eval_run', resourceId: null, payload: { eval_run: {} } }));
    const event = await t.database.db.selectFrom('outbox_events').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow();
    await webhooks.fanOut(toDispatchPayload(event));

    const list = await call(a, '/webhooks/deliveries', { url: `/webhooks/deliveries?endpoint_id=${endpoint.id}&status=succeeded` });
    expect(list.statusCode).toBe(200);
    const [delivery] = list.json().data;
    expect(delivery).toMatchObject({ event_id: eventId, status: 'succeeded', attempt_count: 1 });
    const one = await call(a, '/webhooks/deliveries/:id', { url: `/webhooks/deliveries/${delivery.id}` });
    expect(one.json().attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 200 })]);
    expect((await call(b, '/webhooks/deliveries/:id', { url: `/webhooks/deliveries/${delivery.id}` })).statusCode).toBe(404);

    const again = await call(a, '/webhooks/deliveries/:id/redeliver', { method: 'POST', url: `/webhooks/deliveries/${delivery.id}/redeliver` });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: delivery.id, status: 'pending' });

    const replay = await call(a, '/webhooks/deliveries/replay', { method: 'POST', url: '/webhooks/deliveries/replay', payload: { since: '2020-01-01T00:00:00Z' } });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ replayed: 0, since: '2020-01-01T00:00:00.000Z', endpoint_id: null });
    expect(problems).toEqual([]);
  });

  it('lists and gets audit events of the caller’s tenant only', async () => {
    await call(a, '/webhook-endpoints', { method: 'POST', url: '/webhook-endpoints', payload: { url: receiver.url } });
    const page = await call(a, '/audit-events', { url: '/audit-events?action=webhook_endpoint.create&limit=1' });
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body.data).toHaveLength(1);
    expect(body.next_cursor).not.toBeNull();
    const next = await call(a, '/audit-events', { url: `/audit-events?action=webhook_endpoint.create&limit=1&cursor=${body.next_cursor}` });
    expect(next.json().data[0].id).not.toBe(body.data[0].id);
    const one = await call(a, '/audit-events/:id', { url: `/audit-events/${body.data[0].id}` });
    expect(one.json()).toMatchObject({ id: body.data[0].id, action: 'webhook_endpoint.create', actor: { type: 'api_key' } });
    expect((await call(b, '/audit-events/:id', { url: `/audit-events/${body.data[0].id}` })).statusCode).toBe(404);
    expect((await call(null, '/audit-events', { url: '/audit-events' })).statusCode).toBe(401);
    expect(problems).toEqual([]);
  });
});
