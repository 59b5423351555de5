import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { ServiceContext } from '../shared/context.js';
import type { Logger } from '../shared/logger.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { modelRetirement, providersWithRetirements } from '../providers/model-retirement.js';
import { toModelVersion } from './model-version.js';

/** The event a retirement warning is (webhook, SSE, audit). */
export const MODEL_RETIREMENT_WARNING = 'model.retirement_warning';

/** Default `FTM_RETIREMENT_WARNING_DAYS`: a month ahead, then a week ahead. */
export const DEFAULT_RETIREMENT_WARNING_DAYS: readonly number[] = [30, 7];

/** What the retirement watch needs. */
export interface RetirementWatchDeps {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

const PAGE = 500;
const WATCH_ACTOR = { type: 'system', id: 'ftm-retirement-watch', role: 'admin' } as const;

/**
 * One pass of the retirement watch: every model version that is not `retired`, of a provider
 * with an announced date, whose date is at most one of `thresholdsDays` away (or already past),
 * gets one `model.retirement_warning` per threshold and date. A version that crosses several
 * thresholds at once (registered late, or the watch was off) gets one warning, for the nearest.
 * Each warning is its dedup row, outbox event and audit row in one transaction. Returns how many
 * warnings it emitted.
 */
export async function warnModelRetirements(deps: RetirementWatchDeps, { thresholdsDays }: { thresholdsDays: readonly number[] }): Promise<number> {
  const providers = providersWithRetirements();
  if (thresholdsDays.length === 0 || providers.length === 0) return 0;
  const now = deps.clock.now();
  let emitted = 0;
  let after: string | null = null;
  for (;;) {
    let query = deps.db.selectFrom('model_versions').selectAll().where('provider', 'in', providers).where('status', '!=', 'retired');
    if (after) query = query.where('id', '>', after);
    const rows = await query.orderBy('id').limit(PAGE).execute();
    for (const row of rows) {
      const retirement = modelRetirement(row.provider, row.base_model, now);
      if (!retirement) continue;
      const crossed = thresholdsDays.filter((t) => retirement.days_left <= t);
      if (crossed.length === 0) continue;
      const threshold = Math.min(...crossed);
      const ctx: ServiceContext = {
        tenantId: row.tenant_id,
        projectId: row.project_id,
        actor: WATCH_ACTOR,
        requestId: `retirement-watch:${now.toISOString()}`,
        clock: deps.clock,
        ids: deps.ids,
        logger: deps.logger,
      };
      const warned = await deps.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('model_retirement_warnings')
          .values(crossed.map((t) => ({ tenant_id: row.tenant_id, model_version_id: row.id, retirement_date: retirement.date, threshold_days: t, kind: retirement.kind })))
          .onConflict((oc) => oc.columns(['model_version_id', 'retirement_date', 'threshold_days']).doNothing())
          .returning('threshold_days')
          .execute();
        if (inserted.length === 0) return false;
        const pointers = await trx
          .selectFrom('production_pointers')
          .select(['id', 'target_type', 'target_value'])
          .where('tenant_id', '=', row.tenant_id)
          .where('model_version_id', '=', row.id)
          .execute();
        const version = toModelVersion(row, now);
        await recordEvent(trx, ctx, {
          type: MODEL_RETIREMENT_WARNING,
          resourceType: 'model_version',
          resourceId: row.id,
          projectId: row.project_id,
          payload: {
            model_version: version,
            retirement,
            threshold_days: threshold,
            production_pointers: pointers.map((p) => ({ id: p.id, target: { type: p.target_type, value: p.target_value } })),
          },
        });
        await recordAudit(trx, ctx, {
          action: MODEL_RETIREMENT_WARNING,
          resourceType: 'model_version',
          resourceId: row.id,
          projectId: row.project_id,
          summary: `${row.name} (${row.provider} ${row.base_model}): ${retirement.kind === 'model_retires' ? 'stops serving' : 'fine-tuning ends'} on ${retirement.date}, ${retirement.days_left} day(s) left`,
          details: { retirement, threshold_days: threshold, production_pointer_ids: pointers.map((p) => p.id) },
        });
        return true;
      });
      if (warned) emitted += 1;
    }
    if (rows.length < PAGE) return emitted;
    after = rows.at(-1)!.id;
  }
}
