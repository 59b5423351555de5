import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createWebhooksService, type WebhooksService } from '../../src/webhooks/webhooks-service.js';
import { AttemptOutcomeWriter, type AttemptOutcomeWrite } from '../../src/webhooks/attempt-outcome-writer.js';
import type { OutboxDispatchPayload } from '../../src/outbox/outbox-jobs.js';
import { RecordingQueue, emitEvent, testWebhookDeps } from './support/webhook-harness.js';
import { startReceiver, type TestReceiver } from './support/receiver.js';

const SIGNING_KEY = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe.each(storeAdapters)('batched webhook fan-out and attempt writes on $name', ({ create }) => {
  let t: TestDatabase;
  let receiver: TestReceiver;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    t = await create();
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.reply = () => ({ status: 200, body: 'ok' });
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.dispose();
  });

  /** A fresh tenant with a service over it; every test gets its own tenant so fan-outs do not mix. */
  async function setup(): Promise<{ webhooks: WebhooksService; ctx: ReturnType<typeof testContext>; emit: (n: number) => Promise<OutboxDispatchPayload[]> }> {
    const tenant = await seedTenant(t.database);
    const ctx = testContext({ tenantId: tenant.tenantId, clock });
    const webhooks = createWebhooksService(testWebhookDeps(t.database, new RecordingQueue(), { clock, settings: { signingKey: SIGNING_KEY } }));
    const emit = async (n: number) => {
      const events: OutboxDispatchPayload[] = [];
      for (let i = 0; i < n; i++) events.push(await emitEvent(t.database, ctx, 'eval.completed', { n: i }));
      return events;
    };
    return { webhooks, ctx, emit };
  }
  const deliveriesOf = (endpointId: string) => t.database.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).execute();

  it('creates one delivery per (event, endpoint) of a batch and posts each once', async () => {
    const { webhooks, ctx, emit } = await setup();
    const a = await webhooks.createEndpoint(ctx, { url: `${receiver.url}/a` });
    const b = await webhooks.createEndpoint(ctx, { url: `${receiver.url}/b`, event_types: ['eval.completed'] });
    await webhooks.createEndpoint(ctx, { url: `${receiver.url}/c`, event_types: ['model.promoted'] });
    const events = await emit(5);
    expect(await webhooks.fanOutMany(events)).toEqual({ created: 10 });
    expect(receiver.requests).toHaveLength(10);
    const sent = receiver.requests.map((r) => `${r.path} ${String(r.headers['webhook-id'])}`).sort();
    const expected = events.flatMap((e) => [`/hook/a ${e.eventId}`, `/hook/b ${e.eventId}`]).sort();
    expect(sent).toEqual(expected);
    for (const endpoint of [a, b]) {
      const rows = await deliveriesOf(endpoint.id);
      expect(rows).toHaveLength(5);
      expect(rows.every((d) => d.status === 'succeeded' && d.attempt_count === 1 && d.last_status_code === 200)).toBe(true);
    }
  });

  it('creates and sends nothing when the same batch is dispatched again', async () => {
    const { webhooks, ctx, emit } = await setup();
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    const events = await emit(3);
    await webhooks.fanOutMany(events);
    receiver.requests.length = 0;
    expect(await webhooks.fanOutMany(events)).toEqual({ created: 0 });
    expect(receiver.requests).toHaveLength(0);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(3);
  });

  it('delivers only the new events of a batch that overlaps one already dispatched', async () => {
    const { webhooks, ctx, emit } = await setup();
    await webhooks.createEndpoint(ctx, { url: receiver.url });
    const events = await emit(4);
    await webhooks.fanOutMany(events.slice(0, 2));
    receiver.requests.length = 0;
    expect(await webhooks.fanOutMany(events)).toEqual({ created: 2 });
    expect(receiver.requests.map((r) => r.headers['webhook-id']).sort()).toEqual(
      events
        .slice(2)
        .map((e) => e.eventId)
        .sort(),
    );
  });

  it('leaves out, per event of a batch, endpoints registered after that event', async () => {
    const { webhooks, ctx, emit } = await setup();
    const tenantWide = await webhooks.createEndpoint(ctx, { url: receiver.url });
    const [before] = await emit(1);
    clock.advance(1_000);
    const later = await webhooks.createEndpoint(ctx, { url: `${receiver.url}/later` });
    const [after] = await emit(1);
    expect(await webhooks.fanOutMany([before!, after!])).toEqual({ created: 3 });
    expect((await deliveriesOf(tenantWide.id)).map((d) => d.event_id).sort()).toEqual([before!.eventId, after!.eventId].sort());
    expect((await deliveriesOf(later.id)).map((d) => d.event_id)).toEqual([after!.eventId]);
  });

  it('records a failed first attempt of a batch with its retry scheduled', async () => {
    const { webhooks, ctx, emit } = await setup();
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    receiver.reply = () => ({ status: 500, body: 'down' });
    await webhooks.fanOutMany(await emit(2));
    const rows = await deliveriesOf(endpoint.id);
    expect(rows.map((d) => [d.status, d.last_status_code, d.last_error])).toEqual([
      ['pending', 500, 'HTTP 500'],
      ['pending', 500, 'HTTP 500'],
    ]);
    expect(rows.every((d) => d.next_attempt_at !== null)).toBe(true);
    const attempts = await t.database.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where(
        'delivery_id',
        'in',
        rows.map((d) => d.id),
      )
      .execute();
    expect(attempts.map((a) => [a.attempt, a.status_code, a.response_excerpt])).toEqual([
      [1, 500, 'down'],
      [1, 500, 'down'],
    ]);
  });

  describe('AttemptOutcomeWriter', () => {
    /** A delivery claimed for its first attempt, as the fan-out leaves it. */
    async function claimedDelivery(): Promise<{ tenantId: string; deliveryId: string }> {
      const { webhooks, ctx, emit } = await setup();
      const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
      const [event] = await emit(1);
      const deliveryId = uuidv7();
      const now = clock.now();
      await t.database.db
        .insertInto('webhook_deliveries')
        .values({
          id: deliveryId,
          tenant_id: ctx.tenantId,
          endpoint_id: endpoint.id,
          event_id: event!.eventId,
          event_type: event!.type,
          status: 'delivering',
          attempt_count: 1,
          last_attempt_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return { tenantId: ctx.tenantId, deliveryId };
    }
    const success = (d: { tenantId: string; deliveryId: string }, attempt = 1): AttemptOutcomeWrite => ({
      attemptId: uuidv7(),
      tenantId: d.tenantId,
      deliveryId: d.deliveryId,
      attempt,
      statusCode: 200,
      latencyMs: 3,
      error: null,
      excerpt: 'ok',
      startedAt: clock.now(),
      status: 'succeeded',
      nextAttemptAt: null,
      lastError: null,
      now: clock.now(),
    });

    it('writes concurrent outcomes together and settles each caller with its own delivery', async () => {
      const deliveries = await Promise.all([1, 2, 3, 4].map(() => claimedDelivery()));
      const writer = new AttemptOutcomeWriter(t.database.db);
      const written = await Promise.all(deliveries.map((d) => writer.write(success(d))));
      expect(written).toEqual(deliveries.map((d) => ({ id: d.deliveryId, attempt_count: 1 })));
      const rows = await t.database.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where(
          'id',
          'in',
          deliveries.map((d) => d.deliveryId),
        )
        .execute();
      expect(rows.every((r) => r.status === 'succeeded' && r.succeeded_at !== null && r.last_status_code === 200)).toBe(true);
    });

    it('records the attempt but leaves a delivery that moved on to another attempt (superseded)', async () => {
      const d = await claimedDelivery();
      const writer = new AttemptOutcomeWriter(t.database.db);
      await t.database.db.updateTable('webhook_deliveries').set({ attempt_count: 2 }).where('id', '=', d.deliveryId).execute();
      expect(await writer.write(success(d, 1))).toBeNull();
      const row = await t.database.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', d.deliveryId).executeTakeFirstOrThrow();
      expect(row.status).toBe('delivering');
      const attempts = await t.database.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', d.deliveryId).execute();
      expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([[1, 200]]);
    });

    it('fails only the caller whose row cannot be written when a group is refused', async () => {
      const good = await claimedDelivery();
      const writer = new AttemptOutcomeWriter(t.database.db);
      // A delivery id that does not exist breaks the attempts' foreign key: the group fails, then
      // is written row by row.
      const bad = success({ tenantId: good.tenantId, deliveryId: uuidv7() });
      const [ok, refused] = await Promise.allSettled([writer.write(success(good)), writer.write(bad)]);
      expect(ok).toEqual({ status: 'fulfilled', value: { id: good.deliveryId, attempt_count: 1 } });
      expect(refused.status).toBe('rejected');
    });
  });
});
