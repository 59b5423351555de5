import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Options of {@link purgeExpiredGenAiSpans}. */
export interface PurgeExpiredGenAiSpansOptions {
  /** Spans received before this instant are deleted. */
  readonly receivedBefore: Date;
  /** Rows per DELETE, so a large purge never holds long locks (default 5,000). */
  readonly batchSize?: number;
  /** Stops after this many batches (default: until nothing is left). */
  readonly maxBatches?: number;
}

/**
 * Retention of received spans (FTM_OTLP_RETENTION_DAYS): deletes, in batches, every span
 * received before the cut-off, in every tenant. Datasets already built keep their files and
 * lineage; a rebuild reads only the spans still kept. Returns how many rows were deleted.
 */
export async function purgeExpiredGenAiSpans(db: Kysely<DB>, options: PurgeExpiredGenAiSpansOptions): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const result = await sql`
      delete from genai_spans where ctid in (
        select ctid from genai_spans where received_at < ${options.receivedBefore} limit ${batchSize}
      )`.execute(db);
    const count = Number(result.numAffectedRows ?? 0n);
    deleted += count;
    if (count < batchSize) break;
  }
  return deleted;
}
