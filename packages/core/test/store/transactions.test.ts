import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../src/outbox/record-event.js';
import { recordAudit } from '../../src/audit/record-audit.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';
import { insertModelVersion, insertPointer } from './rows.js';

class DeliberateFailure extends Error {}

describe.each(storeAdapters)('transactions on $name', ({ create }) => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  beforeAll(async () => {
    t = await create();
    tenant = await seedTenant(t.database);
  });
  afterAll(async () => t?.dispose());

  async function countFor(resourceId: string) {
    const db = t.database.db;
    const [uploads, events, audits] = await Promise.all([
      db.selectFrom('uploads').select(db.fn.countAll<number>().as('n')).where('id', '=', resourceId).executeTakeFirstOrThrow(),
      db.selectFrom('outbox_events').select(db.fn.countAll<number>().as('n')).where('resource_id', '=', resourceId).executeTakeFirstOrThrow(),
      db.selectFrom('audit_events').select(db.fn.countAll<number>().as('n')).where('resource_id', '=', resourceId).executeTakeFirstOrThrow(),
    ]);
    return { uploads: Number(uploads.n), events: Number(events.n), audits: Number(audits.n) };
  }

  async function writeUploadWithEventAndAudit(fail: boolean): Promise<string> {
    const ctx = testContext({ tenantId: tenant.tenantId, projectId: tenant.projectId });
    const id = ctx.ids.next();
    const attempt = t.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('uploads')
        .values({ id, tenant_id: ctx.tenantId, project_id: ctx.projectId, blob_key: `uploads/${id}`, size_bytes: 3, sha256: 'a'.repeat(64), created_by: ctx.actor.id })
        .execute();
      await recordEvent(trx, ctx, { type: 'upload.created', resourceType: 'upload', resourceId: id, payload: { id } });
      await recordAudit(trx, ctx, { action: 'upload.create', resourceType: 'upload', resourceId: id, summary: 'Upload created' });
      if (fail) throw new DeliberateFailure('after every write');
    });
    if (fail) await expect(attempt).rejects.toBeInstanceOf(DeliberateFailure);
    else await attempt;
    return id;
  }

  it('commits a row, its outbox event and its audit row together', async () => {
    const id = await writeUploadWithEventAndAudit(false);
    expect(await countFor(id)).toEqual({ uploads: 1, events: 1, audits: 1 });
  });

  it('keeps none of the three when the transaction throws after writing them', async () => {
    const id = await writeUploadWithEventAndAudit(true);
    expect(await countFor(id)).toEqual({ uploads: 0, events: 0, audits: 0 });
  });

  it('serialises 20 concurrent read-modify-write transactions on one row with select for update', async () => {
    const db = t.database.db;
    const mv = await insertModelVersion(db, tenant.tenantId);
    const pointerId = await insertPointer(db, tenant.tenantId, mv);
    const ctx = testContext({ tenantId: tenant.tenantId });
    // Each transaction reads the version, then writes read + 1 and a history row with that seq:
    // without the row lock two of them would read the same value and collide or lose an update.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom('production_pointers')
            .select(['version', 'model_version_id'])
            .where('tenant_id', '=', tenant.tenantId)
            .where('id', '=', pointerId)
            .forUpdate()
            .executeTakeFirstOrThrow();
          const next = Number(row.version) + 1;
          await trx.updateTable('production_pointers').set({ version: next }).where('id', '=', pointerId).execute();
          await trx
            .insertInto('pointer_history')
            .values({
              id: ctx.ids.next(),
              tenant_id: tenant.tenantId,
              pointer_id: pointerId,
              seq: next - 1,
              from_model_version_id: row.model_version_id,
              to_model_version_id: row.model_version_id,
              cause: 'override',
              actor: 'test',
            })
            .execute();
        }),
      ),
    );
    const pointer = await db.selectFrom('production_pointers').select('version').where('id', '=', pointerId).executeTakeFirstOrThrow();
    expect(Number(pointer.version)).toBe(21);
    const seqs = await db.selectFrom('pointer_history').select('seq').where('pointer_id', '=', pointerId).orderBy('seq').execute();
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
