import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import type { ServiceContext } from '../../src/shared/context.js';
import { recordEvent } from '../../src/outbox/record-event.js';
import { systemClock } from '../../src/shared/clock.js';
import { createWebhookDeps } from '../../src/webhooks/webhook-deps.js';
import { createWebhooksService } from '../../src/webhooks/webhooks-service.js';
import { startReceiver, type TestReceiver } from './support/receiver.js';
import { CHAOS_WEBHOOK_SETTINGS } from './support/chaos-settings.js';
import { RecordingQueue } from './support/webhook-harness.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/chaos-worker.ts', import.meta.url));
const EVENTS = 2_000;

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<unknown>;
  output(): string;
}

function spawnWorker(databaseUrl: string): Child {
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', CHILD], {
    cwd: REPO_ROOT,
    env: { ...process.env, FTM_CHAOS_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { process: child, exited, output: () => output.slice(-2_000) };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook delivery under chaos (PostgreSQL, local queue, child workers)', () => {
  let t: TestDatabase;
  let receiver: TestReceiver;
  const children: Child[] = [];
  /** Per delivery id (X-FTM-Delivery): every status code the receiver answered. */
  const answered = new Map<string, number[]>();
  /** Event ids that arrived with a valid signature and were acknowledged with 200. */
  const acknowledged = new Set<string>();
  let badSignatures = 0;

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await receiver?.close();
    await t?.dispose();
  });

  it('delivers every one of 2,000 events at least once, signed, through 30 % receiver failures and two SIGKILLed workers; the rows tell the truth', async () => {
    const { tenantId } = await seedTenant(t.database);
    const ctx: ServiceContext = { ...testContext({ tenantId }), clock: systemClock };
    let verifier: Webhook | undefined;
    receiver = await startReceiver((req) => {
      const deliveryId = String(req.headers['x-ftm-delivery']);
      let valid = false;
      try {
        verifier!.verify(req.body, req.headers as Record<string, string>);
        valid = true;
      } catch {
        badSignatures += 1;
      }
      const status = !valid || Math.random() < 0.3 ? 500 : 200;
      answered.set(deliveryId, [...(answered.get(deliveryId) ?? []), status]);
      if (status === 200) acknowledged.add(String(req.headers['webhook-id']));
      return { status, body: status === 200 ? 'ok' : 'random failure' };
    });
    const admin = createWebhooksService(createWebhookDeps({ db: t.database.db, queue: new RecordingQueue(), settings: CHAOS_WEBHOOK_SETTINGS }));
    const endpoint = await admin.createEndpoint(ctx, { url: receiver.url });
    verifier = new Webhook(endpoint.secret!);

    const eventIds: string[] = [];
    for (let batch = 0; batch < EVENTS / 100; batch++) {
      await t.database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++) {
          const n = batch * 100 + i;
          eventIds.push(await recordEvent(trx, ctx, { type: 'ft_job.updated', resourceType: 'ft_job', resourceId: null, payload: { n } }));
        }
      });
    }

    const url = t.url!;
    children.push(spawnWorker(url));
    await waitFor(
      () => acknowledged.size >= 300,
      () => `the first worker to deliver 300 events (${acknowledged.size} so far; ${children[0]!.output()})`,
      300_000,
    );
    children[0]!.process.kill('SIGKILL');
    await children[0]!.exited;
    children.push(spawnWorker(url));
    await waitFor(
      () => acknowledged.size >= 1_000,
      () => `the second worker to reach 1,000 events (${acknowledged.size} so far; ${children[1]!.output()})`,
      300_000,
    );
    children[1]!.process.kill('SIGKILL');
    await children[1]!.exited;
    children.push(spawnWorker(url));

    const settled = async () => {
      const open = await t.database.db
        .selectFrom('webhook_deliveries')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('status', '!=', 'succeeded')
        .executeTakeFirstOrThrow();
      const total = await t.database.db
        .selectFrom('webhook_deliveries')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(total.n) === EVENTS && Number(open.n) === 0;
    };
    await waitFor(settled, () => `every delivery to succeed (${acknowledged.size} acknowledged; ${children[2]!.output()})`, 400_000);

    // Nothing lost: every event reached the receiver with a valid signature and was acknowledged.
    expect(badSignatures).toBe(0);
    expect(eventIds.filter((id) => !acknowledged.has(id))).toEqual([]);

    // The rows tell the truth.
    const deliveries = await t.database.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpoint.id).execute();
    const attempts = await t.database.db.selectFrom('webhook_attempts').selectAll().orderBy('attempt').execute();
    const byDelivery = new Map<string, typeof attempts>();
    for (const a of attempts) byDelivery.set(a.delivery_id, [...(byDelivery.get(a.delivery_id) ?? []), a]);
    expect(deliveries).toHaveLength(EVENTS);
    expect(new Set(deliveries.map((d) => d.event_id))).toEqual(new Set(eventIds));
    let interrupted = 0;
    for (const d of deliveries) {
      const rows = byDelivery.get(d.id) ?? [];
      const codes = rows.map((a) => a.status_code);
      const heard = answered.get(d.id) ?? [];
      // one row per attempt, numbered without gaps, the last one the 200 that succeeded
      expect(rows.map((a) => a.attempt)).toEqual(Array.from({ length: d.attempt_count }, (_, i) => i + 1));
      expect(d.status).toBe('succeeded');
      expect(d.succeeded_at).not.toBeNull();
      expect(d.last_status_code).toBe(200);
      expect(codes.at(-1)).toBe(200);
      // every recorded answer is one the receiver really gave for this delivery
      for (const code of [200, 500]) {
        expect(codes.filter((c) => c === code).length).toBeLessThanOrEqual(heard.filter((h) => h === code).length);
      }
      // an attempt without an answer is one a killed worker left behind (or a timeout): never invented
      for (const a of rows.filter((r) => r.status_code === null)) expect(['interrupted', 'timeout', 'connection_error']).toContain(a.error);
      interrupted += rows.filter((r) => r.error === 'interrupted').length;
      // the receiver saw at least one request per recorded answer
      expect(heard.length).toBeGreaterThanOrEqual(codes.filter((c) => c !== null).length);
    }
    expect(answered.size).toBe(EVENTS);
    expect(acknowledged.size).toBe(EVENTS);
    // Failures really happened and were retried.
    expect(attempts.filter((a) => a.status_code === 500).length).toBeGreaterThan(EVENTS * 0.2);
    expect(interrupted).toBeGreaterThanOrEqual(0);
  }, 1_200_000);
});
