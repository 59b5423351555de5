import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** One `genai_spans` row as the receiver writes it (timestamps as ISO text, JSON columns as objects). */
export interface GenAiSpanRow {
  readonly tenant_id: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly project_id: string | null;
  readonly parent_span_id: string | null;
  readonly service_name: string | null;
  readonly operation: string;
  readonly provider: string | null;
  readonly request_model: string | null;
  readonly response_model: string | null;
  readonly finish_reasons: readonly string[];
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly start_time: string;
  readonly end_time: string | null;
  readonly status_code: number;
  readonly example: string;
  readonly prompt_sha256: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly findings: Readonly<Record<string, number>>;
  readonly received_at: string;
}

/** The columns and their types, for `jsonb_to_recordset`. */
const COLUMNS = [
  ['tenant_id', 'uuid'],
  ['trace_id', 'text'],
  ['span_id', 'text'],
  ['project_id', 'uuid'],
  ['parent_span_id', 'text'],
  ['service_name', 'text'],
  ['operation', 'text'],
  ['provider', 'text'],
  ['request_model', 'text'],
  ['response_model', 'text'],
  ['finish_reasons', 'text[]'],
  ['input_tokens', 'integer'],
  ['output_tokens', 'integer'],
  ['start_time', 'timestamptz'],
  ['end_time', 'timestamptz'],
  ['status_code', 'smallint'],
  ['example', 'text'],
  ['prompt_sha256', 'text'],
  ['attributes', 'jsonb'],
  ['findings', 'jsonb'],
  ['received_at', 'timestamptz'],
] as const;
const NAMES = sql.raw(COLUMNS.map(([name]) => name).join(', '));
const RECORD = sql.raw(COLUMNS.map(([name, type]) => `${name} ${type}`).join(', '));

/**
 * Inserts rows in one statement whatever their number: they travel as one JSON parameter
 * (`jsonb_to_recordset`), so neither side binds 21 parameters per row. A span already stored (an
 * exporter's retry) is kept once.
 */
export async function insertGenAiSpanRows(db: Kysely<DB>, rows: readonly GenAiSpanRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into genai_spans (${NAMES})
    select ${NAMES} from jsonb_to_recordset(cast(${JSON.stringify(rows)} as jsonb)) as r(${RECORD})
    on conflict (tenant_id, trace_id, span_id) do nothing`.execute(db);
}

interface Pending {
  readonly rows: readonly GenAiSpanRow[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces the rows of concurrent export requests into shared inserts: while `maxInFlight`
 * inserts run, new requests queue, and the next insert takes everything queued (up to `maxRows`).
 * Each request still waits for its own rows to be committed before it is answered. When a
 * shared insert fails, its requests are retried one by one, so one request's bad row (a project
 * deleted meanwhile) fails that request only.
 */
export class GenAiSpanWriter {
  readonly #queue: Pending[] = [];
  #inFlight = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: { readonly maxRows?: number; readonly maxInFlight?: number } = {},
  ) {}

  /** Resolves once the rows are stored (or were already). */
  write(rows: readonly GenAiSpanRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    const maxInFlight = this.options.maxInFlight ?? 2;
    const maxRows = this.options.maxRows ?? 5000;
    while (this.#inFlight < maxInFlight && this.#queue.length > 0) {
      const batch: Pending[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (batch.length === 0 || count + this.#queue[0]!.rows.length <= maxRows)) {
        const next = this.#queue.shift()!;
        batch.push(next);
        count += next.rows.length;
      }
      this.#inFlight += 1;
      void this.#flush(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #flush(batch: readonly Pending[]): Promise<void> {
    try {
      await insertGenAiSpanRows(this.db, dedupe(batch.flatMap((p) => p.rows)));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const p of batch) await insertGenAiSpanRows(this.db, dedupe(p.rows)).then(p.resolve, p.reject);
    }
  }
}

/** One row per span key (a statement may not touch the same row twice). */
function dedupe(rows: readonly GenAiSpanRow[]): GenAiSpanRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.tenant_id}:${r.trace_id}:${r.span_id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
