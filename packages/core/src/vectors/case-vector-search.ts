import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { exactTopK, type VectorMatch } from './cosine.js';

/**
 * Nearest cases of one suite inside the database, over `eval_cases.embedding`: with the pgvector
 * extension installed the database ranks them (`<=>`, cosine distance); without it, FTM reads the
 * suite's vectors and ranks them exactly in process.
 */
export class InDatabaseCaseSearch {
  readonly #db: Kysely<DB>;
  #pgvector: Promise<boolean> | undefined;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Whether the `vector` extension is installed in this database (checked once). */
  hasPgvector(): Promise<boolean> {
    this.#pgvector ??= sql<{ present: boolean }>`select exists (select 1 from pg_extension where extname = 'vector') as present`.execute(this.#db).then((r) => r.rows[0]?.present === true);
    return this.#pgvector;
  }

  async nearest(tenantId: string, suiteId: string, query: readonly number[], topK: number): Promise<VectorMatch[]> {
    if (await this.hasPgvector()) {
      const literal = `[${query.join(',')}]`;
      const rows = await sql<{ id: string; score: number }>`
        select id, 1 - (embedding::vector <=> ${literal}::vector) as score
        from eval_cases
        where tenant_id = ${tenantId} and eval_suite_id = ${suiteId} and embedding is not null
        order by embedding::vector <=> ${literal}::vector, position
        limit ${topK}`.execute(this.#db);
      return rows.rows.map((r) => ({ id: r.id, score: Number(r.score) }));
    }
    const rows = await this.#db
      .selectFrom('eval_cases')
      .select(['id', 'embedding'])
      .where('tenant_id', '=', tenantId)
      .where('eval_suite_id', '=', suiteId)
      .where('embedding', 'is not', null)
      .orderBy('position')
      .execute();
    return exactTopK(
      query,
      rows.map((r) => ({ id: r.id, vector: r.embedding! })),
      topK,
    );
  }
}
