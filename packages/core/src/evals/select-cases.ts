import { NotFoundError, ValidationError } from '../shared/errors.js';
import { InDatabaseCaseSearch } from '../vectors/case-vector-search.js';
import type { EvalDeps } from './eval-deps.js';
import type { SelectionStrategy } from './eval-suite.js';
import { suiteCollection } from './prepare-cases.js';

/**
 * The cases a vector_retrieval suite runs, best first: the `top_k` nearest to `query` (in the
 * database, or in the suite's collection of the vector store), or — with `kb_collection` — the
 * `top_k` cases whose best match in that collection of the vector store is closest.
 */
export async function selectCaseIds(deps: Pick<EvalDeps, 'db' | 'embedder' | 'vectorStore'>, tenantId: string, suiteId: string, strategy: SelectionStrategy): Promise<string[] | null> {
  if (strategy.type !== 'vector_retrieval') return null;
  const topK = strategy.top_k!;
  if (strategy.query !== undefined) {
    const [vector] = await deps.embedder.embed([strategy.query]);
    if (deps.vectorStore) return (await deps.vectorStore.query(suiteCollection(suiteId), vector!, topK)).map((m) => m.id);
    return (await new InDatabaseCaseSearch(deps.db).nearest(tenantId, suiteId, vector!, topK)).map((m) => m.id);
  }
  const store = deps.vectorStore;
  if (!store) {
    throw new ValidationError('kb_collection selection needs a vector store (FTM_VECTOR_URL)', [{ path: 'selection_strategy.kb_collection', message: 'no vector store is configured' }]);
  }
  const cases = await deps.db.selectFrom('eval_cases').select(['id', 'embedding']).where('tenant_id', '=', tenantId).where('eval_suite_id', '=', suiteId).orderBy('position').execute();
  const best: { id: string; score: number; order: number }[] = [];
  for (const [order, c] of cases.entries()) {
    if (!c.embedding) continue;
    let matches;
    try {
      matches = await store.query(strategy.kb_collection!, c.embedding, 1);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new ValidationError(`vector collection ${strategy.kb_collection} does not exist`, [{ path: 'selection_strategy.kb_collection', message: 'unknown collection' }]);
      }
      throw error;
    }
    best.push({ id: c.id, score: matches[0]?.score ?? -Infinity, order });
  }
  best.sort((a, b) => b.score - a.score || a.order - b.order);
  return best.slice(0, topK).map((b) => b.id);
}
