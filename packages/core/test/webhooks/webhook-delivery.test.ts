import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant, type TestServiceContext } from '@ftm/test-support/fixtures';
import { ManualClock } from '../../src/shared/clock.js';
import { NotFoundError, ConflictError } from '../../src/shared/errors.js';
import { createWebhooksService, type WebhooksService } from '../../src/webhooks/webhooks-service.js';
import type { WebhookSettingsInput } from '../../src/webhooks/webhook-settings.js';
import type { HostResolver } from '../../src/webhooks/resolve-destination.js';
import { RecordingQueue, emitEvent, testWebhookDeps } from './support/webhook-harness.js';
import { startReceiver, type TestReceiver } from './support/receiver.js';
import { verifiesWith } from './support/verify.js';

const SIGNING_KEY = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

describe('webhook delivery', () => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  let clock: ManualClock;
  let ctx: TestServiceContext;
  let receiver: TestReceiver;
  let queue: RecordingQueue;
  const resolved: Record<string, string> = {};
  const resolver: HostResolver = async (host) => {
    const address = resolved[host];
    if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };

  /** A service over a fresh tenant-wide test setup; every test gets its own tenant so fan-outs do not mix. */
  const setup = async (settings: WebhookSettingsInput = {}): Promise<{ webhooks: WebhooksService; ctx: TestServiceContext }> => {
    const own = await seedTenant(t.database);
    const webhooks = createWebhooksService(testWebhookDeps(t.database, queue, { clock, resolver, settings: { signingKey: SIGNING_KEY, ...settings } }));
    return { webhooks, ctx: testContext({ tenantId: own.tenantId, clock }) };
  };
  const deliveryRow = (id: string) => t.database.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    tenant = await seedTenant(t.database);
    clock = new ManualClock(new Date());
    ctx = testContext({ tenantId: tenant.tenantId, clock });
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.reply = () => ({ status: 200, body: 'ok' });
    queue.jobs.length = 0;
  });
  beforeAll(() => {
    queue = new RecordingQueue();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.dispose();
  });

  it('posts { id, type, created_at, data } with the Standard Webhooks and X-FTM headers, verifiable with standardwebhooks', async () => {
    const { webhooks, ctx } = await setup();
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    const event = await emitEvent(t.database, ctx, 'model.promoted', { pointer: { id: 'p1' } });
    expect(await webhooks.fanOut(event)).toEqual({ created: 1 });

    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(JSON.parse(req!.body)).toEqual({ id: event.eventId, type: 'model.promoted', created_at: event.occurredAt, data: { pointer: { id: 'p1' } } });
    const delivery = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(req!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': event.eventId,
      'x-ftm-event': 'model.promoted',
      'x-ftm-delivery': delivery.id,
      'x-ftm-timestamp': req!.headers['webhook-timestamp'],
      'x-ftm-signature': req!.headers['webhook-signature'],
    });
    expect(Number(req!.headers['webhook-timestamp'])).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(verifiesWith(endpoint.secret!, req!)).toBe(true);
    expect(verifiesWith(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, req!)).toBe(false);

    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, error: null, response_excerpt: 'ok', latency_ms: expect.any(Number) })]);
  });

  it('signs endpoints without a secret of their own with FTM_WEBHOOK_SIGNING_KEY', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url, secret_source: 'signing_key' });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    expect(verifiesWith(SIGNING_KEY, receiver.requests[0]!)).toBe(true);
  });

  it('fans out only to enabled endpoints of the tenant whose type filter and project match', async () => {
    const { webhooks, ctx } = await setup();
    const project = await seedTenant(t.database); // a second tenant, to prove isolation
    const outsider = testContext({ tenantId: project.tenantId, clock });
    const all = await webhooks.createEndpoint(ctx, { url: `${receiver.url}?all` });
    const promoted = await webhooks.createEndpoint(ctx, { url: `${receiver.url}?promoted`, event_types: ['model.promoted'] });
    await webhooks.createEndpoint(ctx, { url: `${receiver.url}?evals`, event_types: ['eval.completed'] });
    await webhooks.createEndpoint(ctx, { url: `${receiver.url}?off`, enabled: false });
    await webhooks.createEndpoint(outsider, { url: `${receiver.url}?outsider` });
    const projectId = (await t.database.db.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).executeTakeFirstOrThrow()).id;
    const scoped = await webhooks.createEndpoint(ctx, { url: `${receiver.url}?project`, project_id: projectId });

    await webhooks.fanOut(await emitEvent(t.database, ctx, 'model.promoted', {}, null));
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/hook?all', '/hook?promoted']);
    receiver.requests.length = 0;
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'model.promoted', {}, projectId));
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/hook?all', '/hook?project', '/hook?promoted']);
    expect([all.id, promoted.id, scoped.id]).toHaveLength(3);
  });

  it('does not deliver internal event types', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    expect(await webhooks.fanOut(await emitEvent(t.database, ctx, 'api_key.created', {}))).toEqual({ created: 0 });
    expect(receiver.requests).toEqual([]);
  });

  it('makes nothing twice when the same event is dispatched again', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    const event = await emitEvent(t.database, ctx, 'ft_job.updated', {});
    await webhooks.fanOut(event);
    expect(await webhooks.fanOut(event)).toEqual({ created: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('schedules a failed attempt on the retry schedule and delivers it when due, with the same webhook-id', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 500, body: 'boom' });
    const event = await emitEvent(t.database, ctx, 'model.promoted', {});
    await webhooks.fanOut(event);
    const [delivery] = (await webhooks.listDeliveries(ctx, {})).data;
    expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1, last_status_code: 500, last_error: 'HTTP 500' });
    expect(delivery!.next_attempt_at).toBe(new Date(clock.now().getTime() + 1_000).toISOString());
    expect(queue.jobs).toEqual([expect.objectContaining({ name: 'webhook.deliver', payload: { deliveryId: delivery!.id }, options: expect.objectContaining({ delayMs: 1_000 }) })]);

    expect(await webhooks.deliver(delivery!.id)).toEqual({ kind: 'skipped', reason: 'not_due' });
    clock.advance(1_000);
    receiver.reply = () => ({ status: 204 });
    expect(await webhooks.deliver(delivery!.id)).toEqual({ kind: 'attempted', result: { kind: 'succeeded' } });
    expect(await webhooks.deliver(delivery!.id)).toEqual({ kind: 'skipped', reason: 'finished' });
    const after = await webhooks.getDelivery(ctx, delivery!.id);
    expect(after).toMatchObject({ status: 'succeeded', attempt_count: 2, last_status_code: 204 });
    expect(after.attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 204],
    ]);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([event.eventId, event.eventId]);
  });

  it('dead-letters after the last attempt of the schedule and says so with webhook.dead_lettered and an audit row', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url, event_types: ['model.promoted'] });
    receiver.reply = () => ({ status: 502 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'model.promoted', {}));
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    for (const wait of [1_000, 2_000, 4_000]) {
      clock.advance(wait);
      await webhooks.deliver(id);
    }
    const dead = await webhooks.getDelivery(ctx, id);
    expect(dead).toMatchObject({ status: 'dead_letter', attempt_count: 4, next_attempt_at: null });
    const announced = await t.database.db.selectFrom('outbox_events').selectAll().where('type', '=', 'webhook.dead_lettered').where('resource_id', '=', id).execute();
    expect(announced).toHaveLength(1);
    expect(announced[0]!.payload).toEqual({ delivery: dead });
    const audit = await t.database.db.selectFrom('audit_events').selectAll().where('resource_id', '=', id).execute();
    expect(audit.map((a) => [a.action, a.actor_type])).toEqual([['webhook_delivery.dead_letter', 'system']]);
    expect((await webhooks.listDeliveries(ctx, { status: 'dead_letter' })).data.map((d) => d.id)).toEqual([id]);
  });

  it('replays dead letters since a time with a fresh round of attempts, keeping past attempt numbers', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 500 });
    const since = clock.now();
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    for (const wait of [1_000, 2_000, 4_000]) {
      clock.advance(wait);
      await webhooks.deliver(id);
    }
    expect((await webhooks.getDelivery(ctx, id)).status).toBe('dead_letter');
    expect(await webhooks.replayDeadLetters(ctx, { since: new Date(clock.now().getTime() + 1).toISOString() })).toMatchObject({ replayed: 0 });

    receiver.reply = () => ({ status: 500 });
    const replay = await webhooks.replayDeadLetters(ctx, { since: since.toISOString() });
    expect(replay).toEqual({ replayed: 1, since: since.toISOString(), endpoint_id: null });
    expect(queue.deliveries()).toContain(id);
    await webhooks.deliver(id);
    const retried = await webhooks.getDelivery(ctx, id);
    // attempt 5 opens the new round: it failed, so the round's second delay applies
    expect(retried).toMatchObject({ status: 'pending', attempt_count: 5 });
    expect(retried.next_attempt_at).toBe(new Date(clock.now().getTime() + 1_000).toISOString());
    expect(retried.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('honours Retry-After on 429 and 503 when it asks for longer than the schedule', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 429, headers: { 'retry-after': '30' } });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const d = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(d.next_attempt_at).toBe(new Date(clock.now().getTime() + 30_000).toISOString());
  });

  it('disables the endpoint on 410 Gone, pauses its other deliveries and resumes them when it is enabled again', async () => {
    const { webhooks, ctx } = await setup();
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 500 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const waiting = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    receiver.reply = () => ({ status: 410 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const gone = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(gone).toMatchObject({ status: 'failed', last_status_code: 410 });
    expect(await webhooks.getEndpoint(ctx, endpoint.id)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    expect(await t.database.db.selectFrom('audit_events').select('action').where('resource_id', '=', endpoint.id).where('action', '=', 'webhook_endpoint.disable').execute()).toHaveLength(1);

    receiver.requests.length = 0;
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    clock.advance(1_000);
    expect(await webhooks.deliver(waiting.id)).toEqual({ kind: 'skipped', reason: 'endpoint_paused' });
    expect(receiver.requests).toEqual([]);
    expect((await deliveryRow(waiting.id)).next_attempt_at).toBeNull();

    receiver.reply = () => ({ status: 200 });
    await webhooks.updateEndpoint(ctx, endpoint.id, { enabled: true });
    expect(queue.deliveries()).toContain(waiting.id);
    expect(await webhooks.deliver(waiting.id)).toEqual({ kind: 'attempted', result: { kind: 'succeeded' } });
  });

  it('does not follow redirects: a 3xx is a failed attempt and the Location is never requested', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = (r) => (r.path === '/hook' ? { status: 307, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
    const d = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(d).toMatchObject({ status: 'pending', last_status_code: 307, last_error: 'redirect_not_followed' });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const { webhooks, ctx } = await setup({ timeoutMs: 200 });
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => 'hang';
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const d = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(d).toMatchObject({ status: 'pending', last_status_code: null, last_error: 'timeout' });
    expect(d.attempts[0]).toMatchObject({ error: 'timeout', status_code: null });
  });

  it('keeps only the first bytes of a large response', async () => {
    const { webhooks, ctx } = await setup({ responseExcerptBytes: 16 });
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 200, body: 'x'.repeat(1_000_000) });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const d = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(d.attempts[0]).toMatchObject({ status_code: 200, response_excerpt: 'x'.repeat(16) });
    expect(d.status).toBe('succeeded');
  });

  it('connects to the address it checked, never resolving the host name again', async () => {
    const { webhooks, ctx } = await setup({ destinationAllowlist: ['receiver.test'] });
    resolved['receiver.test'] = '127.0.0.1';
    await webhooks.createEndpoint(ctx, { url: `http://receiver.test:${receiver.port}/hook` });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.host).toBe(`receiver.test:${receiver.port}`);
  });

  it('refuses an attempt when the host name now resolves to a private address, without sending it', async () => {
    const { webhooks, ctx } = await setup({ destinationAllowlist: [] });
    resolved['hooks.example.test'] = '93.184.215.14';
    await webhooks.createEndpoint(ctx, { url: 'https://hooks.example.test/ftm' });
    resolved['hooks.example.test'] = '10.0.0.7';
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const d = (await webhooks.listDeliveries(ctx, {})).data[0]!;
    expect(d).toMatchObject({ status: 'pending', last_error: 'refused_destination' });
    expect(d.attempts[0]).toMatchObject({ status_code: null, error: 'refused_destination' });
  });

  it('carries both signatures during a rotation overlap and only the new one after it', async () => {
    const { webhooks, ctx } = await setup();
    const created = await webhooks.createEndpoint(ctx, { url: receiver.url });
    const rotated = await webhooks.rotateEndpointSecret(ctx, created.id, { overlap_seconds: 3_600 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const during = receiver.requests[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiesWith(created.secret!, during)).toBe(true);
    expect(verifiesWith(rotated.secret!, during)).toBe(true);

    clock.advance(3_600_000 + 1);
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const after = receiver.requests[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifiesWith(rotated.secret!, after)).toBe(true);
    expect(verifiesWith(created.secret!, after)).toBe(false);
    expect((await webhooks.getEndpoint(ctx, created.id)).previous_secret_expires_at).toBeNull();
  });

  it('redelivers on request with the same webhook-id and a fresh timestamp and signature', async () => {
    const { webhooks, ctx } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    clock.advance(5_000);
    expect(await webhooks.redeliver(ctx, id)).toMatchObject({ id, status: 'pending' });
    expect(await webhooks.deliver(id)).toEqual({ kind: 'attempted', result: { kind: 'succeeded' } });
    const [first, second] = receiver.requests;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(Number(second!.headers['webhook-timestamp']) - Number(first!.headers['webhook-timestamp'])).toBe(5);
    expect(second!.headers['webhook-signature']).not.toBe(first!.headers['webhook-signature']);
    expect(await t.database.db.selectFrom('audit_events').select('action').where('resource_id', '=', id).execute()).toEqual([{ action: 'webhook_delivery.redeliver' }]);
  });

  it('refuses to redeliver to a disabled endpoint and hides deliveries from other tenants', async () => {
    const { webhooks, ctx } = await setup();
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    await webhooks.updateEndpoint(ctx, endpoint.id, { enabled: false });
    await expect(webhooks.redeliver(ctx, id)).rejects.toBeInstanceOf(ConflictError);
    const outsider = testContext({ tenantId: tenant.tenantId, clock });
    await expect(webhooks.getDelivery(outsider, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.redeliver(outsider, id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await webhooks.listDeliveries(outsider, {})).data).toEqual([]);
  });

  it('takes over a delivery whose worker died mid-attempt and records that attempt as interrupted', async () => {
    const { webhooks, ctx } = await setup({ staleAfterMs: 10_000, overdueAfterMs: 5_000 });
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    const event = await emitEvent(t.database, ctx, 'eval.completed', {});
    const id = ctx.ids.next();
    await t.database.db
      .insertInto('webhook_deliveries')
      .values({
        id,
        tenant_id: ctx.tenantId,
        endpoint_id: endpoint.id,
        event_id: event.eventId,
        event_type: event.type,
        status: 'delivering',
        attempt_count: 1,
        last_attempt_at: clock.now(),
        created_at: clock.now(),
        updated_at: clock.now(),
      })
      .execute();
    expect(await webhooks.fanOut(event)).toEqual({ created: 0 });
    expect(await webhooks.deliver(id)).toEqual({ kind: 'skipped', reason: 'in_flight' });
    await webhooks.sweep();
    expect(queue.deliveries()).not.toContain(id);

    clock.advance(10_000);
    expect((await webhooks.sweep()).stale).toBeGreaterThanOrEqual(1);
    expect(queue.deliveries()).toContain(id);
    expect(await webhooks.deliver(id)).toEqual({ kind: 'attempted', result: { kind: 'succeeded' } });
    const d = await webhooks.getDelivery(ctx, id);
    expect(d.attempts.map((a) => [a.attempt, a.status_code, a.error])).toEqual([
      [1, null, 'interrupted'],
      [2, 200, null],
    ]);
  });

  it('re-enqueues a pending delivery whose queue job was lost', async () => {
    const { webhooks, ctx } = await setup({ overdueAfterMs: 5_000 });
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 500 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    queue.jobs.length = 0; // the scheduled retry vanished with the queue
    clock.advance(1_000);
    await webhooks.sweep();
    expect(queue.deliveries()).not.toContain(id);
    clock.advance(5_000);
    expect((await webhooks.sweep()).overdue).toBeGreaterThanOrEqual(1);
    expect(queue.deliveries()).toContain(id);
  });
});
