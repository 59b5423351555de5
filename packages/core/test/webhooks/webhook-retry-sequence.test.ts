/**
 * Where a delivery is in its retry schedule (issue #18): a dying worker does not use up a step,
 * and a manual redeliver that fails starts a fresh, short sequence.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { ManualClock } from '../../src/shared/clock.js';
import { createWebhooksService } from '../../src/webhooks/webhooks-service.js';
import type { WebhookSettingsInput } from '../../src/webhooks/webhook-settings.js';
import type { HostResolver } from '../../src/webhooks/resolve-destination.js';
import { RecordingQueue, emitEvent, testWebhookDeps } from './support/webhook-harness.js';
import { startReceiver, type TestReceiver } from './support/receiver.js';

const SIGNING_KEY = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
// Like the default schedule's shape: now, 5 s, 5 min, 30 min, 2 h (jitter off so delays are exact).
const SCHEDULE = [0, 5_000, 300_000, 1_800_000, 7_200_000];

describe('webhook retry sequence', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let receiver: TestReceiver;
  const queue = new RecordingQueue();
  const resolver: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];

  const setup = async (settings: WebhookSettingsInput = {}) => {
    const own = await seedTenant(t.database);
    const webhooks = createWebhooksService(
      testWebhookDeps(t.database, queue, { clock, resolver, settings: { signingKey: SIGNING_KEY, retryScheduleMs: SCHEDULE, retryJitter: 0, staleAfterMs: 35_000, ...settings } }),
    );
    const ctx = testContext({ tenantId: own.tenantId, clock });
    const endpoint = await webhooks.createEndpoint(ctx, { url: receiver.url });
    return { webhooks, ctx, endpoint };
  };
  const delayOf = async (webhooks: Awaited<ReturnType<typeof setup>>['webhooks'], ctx: ReturnType<typeof testContext>, id: string) => {
    const d = await webhooks.getDelivery(ctx, id);
    return d.next_attempt_at === null ? null : new Date(d.next_attempt_at).getTime() - clock.now().getTime();
  };

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    clock = new ManualClock(new Date());
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.reply = () => ({ status: 200, body: 'ok' });
    queue.jobs.length = 0;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.dispose();
  });

  it('lets the take-over attempt after a worker died use the step the interrupted attempt had', async () => {
    const { webhooks, ctx, endpoint } = await setup();
    receiver.reply = () => ({ status: 500 });
    const event = await emitEvent(t.database, ctx, 'eval.completed', {});
    await webhooks.fanOut(event);
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    expect(await delayOf(webhooks, ctx, id)).toBe(5_000); // attempt 1 failed
    // Attempt 2 is claimed (the 5 s step), then its worker dies without an answer.
    clock.advance(5_000);
    await t.database.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivering', attempt_count: 2, last_attempt_at: clock.now(), updated_at: clock.now(), next_attempt_at: null })
      .where('id', '=', id)
      .where('endpoint_id', '=', endpoint.id)
      .execute();
    clock.advance(35_000);
    expect(await webhooks.deliver(id)).toEqual({ kind: 'attempted', result: { kind: 'retry', delayMs: 300_000 } });
    const d = await webhooks.getDelivery(ctx, id);
    expect(d.attempts.map((a) => [a.attempt, a.status_code, a.error])).toEqual([
      [1, 500, null],
      [2, null, 'interrupted'],
      [3, 500, null],
    ]);
    // The take-over (attempt 3) took the 5 s step, so the next retry is the 5-minute one, not 30 minutes out.
    expect(await delayOf(webhooks, ctx, id)).toBe(300_000);
  });

  it('starts a fresh, short sequence when a manual redeliver fails, wherever the delivery was', async () => {
    const { webhooks, ctx } = await setup();
    receiver.reply = () => ({ status: 503 });
    await webhooks.fanOut(await emitEvent(t.database, ctx, 'eval.completed', {}));
    const id = (await webhooks.listDeliveries(ctx, {})).data[0]!.id;
    for (const wait of [5_000, 300_000]) {
      clock.advance(wait);
      await webhooks.deliver(id);
    }
    expect(await delayOf(webhooks, ctx, id)).toBe(1_800_000); // attempt 3 failed: 30 min out

    await webhooks.redeliver(ctx, id);
    expect(await webhooks.deliver(id)).toEqual({ kind: 'attempted', result: { kind: 'retry', delayMs: 5_000 } });
    clock.advance(5_000);
    expect(await webhooks.deliver(id)).toEqual({ kind: 'attempted', result: { kind: 'retry', delayMs: 300_000 } });
    clock.advance(300_000);
    // Three attempts (redeliverRetrySteps), then a dead letter instead of hours more of the old round.
    expect(await webhooks.deliver(id)).toEqual({ kind: 'attempted', result: { kind: 'dead_letter' } });
    expect((await webhooks.getDelivery(ctx, id)).attempt_count).toBe(6);

    // A replay of that dead letter gets a fresh full round again.
    await webhooks.replayDeadLetters(ctx, { since: new Date(0).toISOString() });
    await webhooks.deliver(id);
    expect(await delayOf(webhooks, ctx, id)).toBe(5_000);
  });
});
