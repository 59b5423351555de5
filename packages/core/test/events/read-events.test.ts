import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents, latestEventSeq } from '../../src/events/read-events.js';
import { parseEventStreamRequest } from '../../src/events/stream-event.js';
import { recordEvent } from '../../src/outbox/record-event.js';
import { ValidationError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';
import type { ServiceContext } from '../../src/shared/context.js';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';

let test: TestDatabase;
let ctx: ServiceContext;
let other: ServiceContext;
let projectId: string;
const datasetId = uuidv7();
const jobId = uuidv7();

async function emit(c: ServiceContext, type: string, resourceType: string, resourceId: string, payload = {}, project?: string) {
  await test.database.db.transaction().execute((trx) => recordEvent(trx, c, { type, resourceType, resourceId, payload, ...(project ? { projectId: project } : {}) }));
}

beforeAll(async () => {
  test = await createPgliteTestDatabase();
  const a = await seedTenant(test.database);
  const b = await seedTenant(test.database);
  projectId = a.projectId;
  ctx = testContext({ tenantId: a.tenantId });
  other = testContext({ tenantId: b.tenantId });
  await emit(ctx, 'dataset.created', 'dataset', datasetId, { status: 'building' }, projectId);
  await emit(other, 'dataset.created', 'dataset', uuidv7());
  await emit(ctx, 'ft_job.updated', 'ft_job', jobId, { status: 'running' });
  await emit(ctx, 'ft_job.updated', 'ft_job', jobId, { status: 'completed' });
  await emit(ctx, 'dataset.updated', 'dataset', datasetId, { status: 'ready' }, projectId);
});
afterAll(() => test.dispose());

describe('readEvents', () => {
  it("returns only the caller's tenant events, oldest first, in the stream shape", async () => {
    const events = await readEvents(test.database.db, ctx, { after_seq: 0 });
    expect(events.map((e) => e.type)).toEqual(['dataset.created', 'ft_job.updated', 'ft_job.updated', 'dataset.updated']);
    expect(events[0]).toMatchObject({ resource_type: 'dataset', resource_id: datasetId, project_id: projectId, request_id: ctx.requestId, data: { status: 'building' } });
    expect(typeof events[0]?.seq).toBe('number');
    expect(events[0]?.created_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const seqs = events.map((e) => e.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
  });

  it('starts after the given seq', async () => {
    const all = await readEvents(test.database.db, ctx, { after_seq: 0 });
    const rest = await readEvents(test.database.db, ctx, { after_seq: all[1]?.seq });
    expect(rest.map((e) => e.seq)).toEqual(all.slice(2).map((e) => e.seq));
  });

  it('stops at up_to_seq', async () => {
    const all = await readEvents(test.database.db, ctx, { after_seq: 0 });
    const head = await readEvents(test.database.db, ctx, { after_seq: 0, up_to_seq: all[1]?.seq });
    expect(head.map((e) => e.seq)).toEqual(all.slice(0, 2).map((e) => e.seq));
  });

  it('filters by a comma-separated list of types', async () => {
    const events = await readEvents(test.database.db, ctx, { after_seq: 0, types: 'dataset.created,dataset.updated' });
    expect(events.map((e) => e.type)).toEqual(['dataset.created', 'dataset.updated']);
  });

  it('filters by resource type and id', async () => {
    const events = await readEvents(test.database.db, ctx, { after_seq: 0, resource_type: 'ft_job', resource_id: jobId });
    expect(events.map((e) => e.data.status)).toEqual(['running', 'completed']);
  });

  it("limits a project-scoped key to its project's events", async () => {
    const scoped = testContext({ tenantId: ctx.tenantId, projectId });
    const events = await readEvents(test.database.db, scoped, { after_seq: 0 });
    expect(events.map((e) => e.type)).toEqual(['dataset.created', 'dataset.updated']);
  });

  it('refuses a malformed event type or resource id with field errors', async () => {
    const error = await readEvents(test.database.db, ctx, { after_seq: 0, types: 'DROP TABLE', resource_id: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((f) => f.path).sort()).toEqual(['resource_id', 'types.0']);
  });

  it('reports the newest seq across tenants as the tail', async () => {
    const all = await readEvents(test.database.db, other, { after_seq: 0 });
    const mine = await readEvents(test.database.db, ctx, { after_seq: 0 });
    expect(await latestEventSeq(test.database.db)).toBe(Math.max(...all.map((e) => e.seq), ...mine.map((e) => e.seq)));
  });
});

describe('parseEventStreamRequest', () => {
  it('reads filters and a numeric Last-Event-ID', () => {
    expect(parseEventStreamRequest({ types: 'ft_job.updated,model.promoted', resource_type: 'ft_job' }, '42')).toEqual({
      filter: { types: ['ft_job.updated', 'model.promoted'], resource_type: 'ft_job' },
      afterSeq: 42,
    });
  });

  it('starts from now without Last-Event-ID', () => {
    expect(parseEventStreamRequest({}, undefined)).toEqual({ filter: {}, afterSeq: undefined });
  });

  it('refuses a Last-Event-ID that is not a seq', () => {
    expect(() => parseEventStreamRequest({}, 'abc')).toThrow(ValidationError);
  });

  it('refuses an unknown query parameter', () => {
    expect(() => parseEventStreamRequest({ type: 'x.y' }, undefined)).toThrow(ValidationError);
  });
});
