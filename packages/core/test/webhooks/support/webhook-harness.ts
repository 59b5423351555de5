import type { FtmDatabase } from '../../../src/db/open-database.js';
import { recordEvent } from '../../../src/outbox/record-event.js';
import { toDispatchPayload } from '../../../src/outbox/relay-outbox.js';
import type { OutboxDispatchPayload } from '../../../src/outbox/outbox-jobs.js';
import type { EnqueueOptions, Queue } from '../../../src/ports/queue.js';
import { resolveEnqueueOptions } from '../../../src/adapters/local-queue/enqueue-options.js';
import type { ServiceContext } from '../../../src/shared/context.js';
import { createWebhookDeps, type CreateWebhookDepsOptions, type WebhookDeps } from '../../../src/webhooks/webhook-deps.js';

/** A Queue that only records what was enqueued: the tests drive deliveries themselves. */
export class RecordingQueue implements Queue {
  readonly jobs: { name: string; payload: unknown; options: EnqueueOptions }[] = [];
  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    resolveEnqueueOptions(name, options, { maxAttempts: 5, backoffMs: 1_000 }); // refuse what the real adapters refuse
    this.jobs.push({ name, payload, options });
    return options.jobId ?? String(this.jobs.length);
  }
  consume(): void {}
  async stop(): Promise<void> {}
  async depth() {
    return { waiting: this.jobs.length, active: 0, delayed: 0, deadLetter: 0 };
  }
  async depthByName() {
    const names = [...new Set(this.jobs.map((j) => j.name))].sort();
    return names.map((name) => ({ name, waiting: this.jobs.filter((j) => j.name === name).length, active: 0, delayed: 0, deadLetter: 0 }));
  }
  async listDeadLetters() {
    return [];
  }
  async replayDeadLetters(): Promise<number> {
    return 0;
  }
  async check(): Promise<void> {}
  async close(): Promise<void> {}
  /** Delivery ids of the `webhook.deliver` jobs enqueued so far. */
  deliveries(): string[] {
    return this.jobs.filter((j) => j.name === 'webhook.deliver').map((j) => (j.payload as { deliveryId: string }).deliveryId);
  }
}

/** Webhook deps for tests: 127.0.0.1 allowlisted, a tiny schedule, no jitter. */
export function testWebhookDeps(database: FtmDatabase, queue: Queue, options: Partial<CreateWebhookDepsOptions> = {}): WebhookDeps {
  return createWebhookDeps({
    db: database.db,
    queue,
    ...options,
    settings: {
      destinationAllowlist: ['127.0.0.1'],
      retryScheduleMs: [0, 1_000, 2_000, 4_000],
      retryJitter: 0,
      timeoutMs: 2_000,
      ...options.settings,
    },
  });
}

/** Writes an outbox event in its own transaction and returns it as the relay would dispatch it. */
export async function emitEvent(database: FtmDatabase, ctx: ServiceContext, type: string, payload: Record<string, unknown>, projectId?: string | null): Promise<OutboxDispatchPayload> {
  const id = await database.db.transaction().execute((trx) => recordEvent(trx, ctx, { type, resourceType: 'test', resourceId: null, payload, ...(projectId !== undefined ? { projectId } : {}) }));
  const row = await database.db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toDispatchPayload(row);
}
