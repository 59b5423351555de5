import type { Kysely, Transaction } from 'kysely';
import type { DB, ReEvalsTable, Timestamp } from '../db/schema.js';

/** re_evals with the column migration 0009 adds. */
export interface ReEvalsTable0009 extends ReEvalsTable {
  name: string | null;
}

/** scheduler_leases (migration 0009): one row per singleton loop. */
export interface SchedulerLeasesTable {
  name: string;
  owner: string;
  fencing_token: number;
  acquired_at: Timestamp;
  expires_at: Timestamp;
}

/** The schema as monitoring sees it (0004 plus 0009). */
export type MonitoringDB = Omit<DB, 're_evals'> & { re_evals: ReEvalsTable0009; scheduler_leases: SchedulerLeasesTable };

/** The same handle typed with 0009's tables; the one place that widens the type until schema.ts has them. */
export function monitoringDb(db: Kysely<DB>): Kysely<MonitoringDB> {
  return db as unknown as Kysely<MonitoringDB>;
}

/** {@link monitoringDb} for a transaction handle. */
export function monitoringTrx(trx: Transaction<DB>): Transaction<MonitoringDB> {
  return trx as unknown as Transaction<MonitoringDB>;
}
