import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant, type TestServiceContext } from '@ftm/test-support/fixtures';
import { ManualClock } from '../../src/shared/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createWebhooksService, type WebhooksService } from '../../src/webhooks/webhooks-service.js';
import { webhookSecretKey } from '../../src/webhooks/webhook-secret.js';
import { RecordingQueue, testWebhookDeps } from './support/webhook-harness.js';

const SIGNING_KEY = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('webhook endpoints', () => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let ctx: TestServiceContext;
  let clock: ManualClock;
  let webhooks: WebhooksService;
  let noKey: WebhooksService;
  const url = 'http://127.0.0.1:9/hook';

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    tenant = await seedTenant(t.database);
    other = await seedTenant(t.database);
    clock = new ManualClock(new Date());
    ctx = testContext({ tenantId: tenant.tenantId, clock });
    const queue = new RecordingQueue();
    webhooks = createWebhooksService(testWebhookDeps(t.database, queue, { clock, settings: { signingKey: SIGNING_KEY } }));
    noKey = createWebhooksService(testWebhookDeps(t.database, queue, { clock }));
  });
  afterAll(async () => t?.dispose());

  it('creates an endpoint with a whsec_ secret of at least 24 random bytes, shown only at creation', async () => {
    const created = await webhooks.createEndpoint(ctx, { url, event_types: ['model.promoted'], description: 'ops' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(webhookSecretKey(created.secret!)!.length).toBeGreaterThanOrEqual(24);
    expect(created).toMatchObject({ url, event_types: ['model.promoted'], enabled: true, secret_source: 'generated', previous_secret_expires_at: null });
    const fetched = await webhooks.getEndpoint(ctx, created.id);
    expect(fetched).not.toHaveProperty('secret');
    const listed = await webhooks.listEndpoints(ctx, {});
    expect(listed.data.find((e) => e.id === created.id)).not.toHaveProperty('secret');
  });

  it('gives every endpoint its own secret', async () => {
    const a = await webhooks.createEndpoint(ctx, { url });
    const b = await webhooks.createEndpoint(ctx, { url });
    expect(a.secret).not.toBe(b.secret);
  });

  it('writes the endpoint, its event and its audit row together, without the secret in either', async () => {
    const created = await webhooks.createEndpoint(ctx, { url });
    const event = await t.database.db.selectFrom('outbox_events').selectAll().where('resource_id', '=', created.id).executeTakeFirstOrThrow();
    const audit = await t.database.db.selectFrom('audit_events').selectAll().where('resource_id', '=', created.id).executeTakeFirstOrThrow();
    expect(event.type).toBe('webhook_endpoint.created');
    expect(audit.action).toBe('webhook_endpoint.create');
    expect(JSON.stringify(event.payload)).not.toContain(created.secret!);
    expect(JSON.stringify(audit.details)).not.toContain(created.secret!);
  });

  it('signs with FTM_WEBHOOK_SIGNING_KEY when asked, and refuses that choice when no key is configured', async () => {
    const keyed = await webhooks.createEndpoint(ctx, { url, secret_source: 'signing_key' });
    expect(keyed).toMatchObject({ secret: null, secret_source: 'signing_key' });
    await expect(noKey.createEndpoint(ctx, { url, secret_source: 'signing_key' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses private, loopback and metadata destinations at creation', async () => {
    for (const bad of ['https://10.0.0.1/x', 'https://169.254.169.254/latest', 'https://[::1]/x']) {
      const error = await webhooks.createEndpoint(ctx, { url: bad }).catch((e: unknown) => e);
      expect(error, bad).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors[0]!.path).toBe('url');
    }
  });

  it('rejects unknown fields, unknown event types and repeated types', async () => {
    await expect(webhooks.createEndpoint(ctx, { url, secret: 'whsec_x' })).rejects.toBeInstanceOf(ValidationError);
    await expect(webhooks.createEndpoint(ctx, { url, event_types: ['api_key.created'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(webhooks.createEndpoint(ctx, { url, event_types: ['model.promoted', 'model.promoted'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(webhooks.createEndpoint(ctx, { url: 'not a url' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('hides an endpoint from another tenant', async () => {
    const created = await webhooks.createEndpoint(ctx, { url });
    const outsider = testContext({ tenantId: other.tenantId, clock });
    await expect(webhooks.getEndpoint(outsider, created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.updateEndpoint(outsider, created.id, { enabled: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.deleteEndpoint(outsider, created.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await webhooks.listEndpoints(outsider, {})).data).toEqual([]);
  });

  it('keeps a project-scoped key to its own project', async () => {
    const scoped = testContext({ tenantId: tenant.tenantId, projectId: tenant.projectId, clock });
    const own = await webhooks.createEndpoint(scoped, { url });
    expect(own.project_id).toBe(tenant.projectId);
    await expect(webhooks.createEndpoint(scoped, { url, project_id: uuidv7() })).rejects.toBeInstanceOf(ForbiddenError);
    const tenantWide = await webhooks.createEndpoint(ctx, { url });
    await expect(webhooks.getEndpoint(scoped, tenantWide.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await webhooks.listEndpoints(scoped, {})).data.map((e) => e.id)).toEqual([own.id]);
  });

  it('updates fields, records why it was disabled, and clears the reason when enabled again', async () => {
    const created = await webhooks.createEndpoint(ctx, { url });
    const disabled = await webhooks.updateEndpoint(ctx, created.id, { enabled: false, description: 'paused' });
    expect(disabled).toMatchObject({ enabled: false, disabled_reason: 'disabled', description: 'paused' });
    const enabled = await webhooks.updateEndpoint(ctx, created.id, { enabled: true, event_types: ['eval.completed'] });
    expect(enabled).toMatchObject({ enabled: true, disabled_reason: null, event_types: ['eval.completed'] });
    await expect(webhooks.updateEndpoint(ctx, created.id, {})).rejects.toBeInstanceOf(ValidationError);
    await expect(webhooks.updateEndpoint(ctx, created.id, { url: 'https://10.0.0.1/x' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('paginates the list newest first without repeating an endpoint', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await webhooks.listEndpoints(ctx, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(seen.length).toBe((await webhooks.listEndpoints(ctx, { limit: 200 })).data.length);
  });

  it('rotates a secret with an overlap and shows when the old one stops signing', async () => {
    const created = await webhooks.createEndpoint(ctx, { url });
    const rotated = await webhooks.rotateEndpointSecret(ctx, created.id, {});
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.previous_secret_expires_at).toBe(new Date(clock.now().getTime() + 24 * 3600 * 1000).toISOString());
    const short = await webhooks.rotateEndpointSecret(ctx, created.id, { overlap_seconds: 60 });
    expect(short.previous_secret_expires_at).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
    const row = await t.database.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.previous_secret).toBe(rotated.secret);
  });

  it('refuses to rotate an endpoint signed with the deployment key', async () => {
    const keyed = await webhooks.createEndpoint(ctx, { url, secret_source: 'signing_key' });
    await expect(webhooks.rotateEndpointSecret(ctx, keyed.id, {})).rejects.toBeInstanceOf(ConflictError);
  });

  it('deletes an endpoint: it disappears from the API and its history stays', async () => {
    const created = await webhooks.createEndpoint(ctx, { url });
    await webhooks.deleteEndpoint(ctx, created.id);
    await expect(webhooks.getEndpoint(ctx, created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.deleteEndpoint(ctx, created.id)).rejects.toBeInstanceOf(NotFoundError);
    const row = await t.database.db.selectFrom('webhook_endpoints').select(['deleted_at']).where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
  });
});
