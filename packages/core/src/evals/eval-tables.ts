import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import type { DB, EvalCaseResultsTable, EvalRunsTable, EvalSuitesTable, GeneratedJson } from '../db/schema.js';

/** eval_suites with the columns migration 0008 adds. */
export interface EvalSuitesTable0008 extends EvalSuitesTable {
  parent_suite_id: string | null;
}

/** eval_runs with the columns migration 0008 adds. */
export interface EvalRunsTable0008 extends EvalRunsTable {
  params: GeneratedJson<Record<string, unknown>>;
  case_ids: string[] | null;
  judge_cost_usd: ColumnType<string, number | string | undefined, number | string>;
}

/** eval_case_results with the column migration 0008 adds. */
export interface EvalCaseResultsTable0008 extends EvalCaseResultsTable {
  judge_cost_usd: ColumnType<string, number | string | undefined, number | string>;
}

/** The schema as the eval use cases see it (0004 plus 0008). */
export type EvalDB = Omit<DB, 'eval_suites' | 'eval_runs' | 'eval_case_results'> & {
  eval_suites: EvalSuitesTable0008;
  eval_runs: EvalRunsTable0008;
  eval_case_results: EvalCaseResultsTable0008;
};

export type EvalSuiteRow = Selectable<EvalSuitesTable0008>;
export type EvalRunRow = Selectable<EvalRunsTable0008>;
export type EvalCaseResultRow = Selectable<EvalCaseResultsTable0008>;

/**
 * The same handle typed with 0008's columns. Until schema.ts carries them, this is the one place
 * that widens the type; the tables are the same tables.
 */
export function evalDb(db: Kysely<DB>): Kysely<EvalDB> {
  return db as unknown as Kysely<EvalDB>;
}

/** {@link evalDb} for a transaction handle. */
export function evalTrx(trx: Transaction<DB>): Transaction<EvalDB> {
  return trx as unknown as Transaction<EvalDB>;
}

/** Back to the shared type, for recordEvent/recordAudit and other areas' helpers. */
export function sharedTrx(trx: Transaction<EvalDB>): Transaction<DB> {
  return trx as unknown as Transaction<DB>;
}
