import type { ServiceContext } from '../shared/context.js';
import { lastUserText } from '../adapters/simulated/simulated-runner.js';
import type { EvalDeps } from './eval-deps.js';
import type { EvalCaseInput, SelectionStrategy } from './eval-suite.js';
import type { PreparedCase } from './insert-suite-version.js';

const EMBED_BATCH = 256;

/** The collection of the vector store that holds a suite's case vectors. */
export const suiteCollection = (suiteId: string): string => `ftm-eval-cases-${suiteId}`;

/** The text a case is embedded by: its last user turn (what the case is about). */
export const caseText = (c: EvalCaseInput): string => lastUserText(c.input.messages);

/**
 * Gives cases their ids and, for vector_retrieval, their embeddings; with an external vector
 * store the vectors are upserted there too, before the suite row exists (an upsert is
 * idempotent, so a failed create leaves nothing that matters).
 */
export async function prepareCases(
  deps: Pick<EvalDeps, 'embedder' | 'vectorStore'>,
  ctx: ServiceContext,
  suiteId: string,
  cases: readonly EvalCaseInput[],
  selection: SelectionStrategy,
  existing: readonly (number[] | null)[] = [],
): Promise<PreparedCase[]> {
  const prepared = cases.map((input, i) => ({ id: ctx.ids.next(), input, embedding: existing[i] ?? null }));
  if (selection.type !== 'vector_retrieval') return prepared.map((c) => ({ ...c, embedding: null }));
  const missing = prepared.filter((c) => c.embedding === null);
  for (let i = 0; i < missing.length; i += EMBED_BATCH) {
    const batch = missing.slice(i, i + EMBED_BATCH);
    const vectors = await deps.embedder.embed(batch.map((c) => caseText(c.input)));
    batch.forEach((c, j) => (c.embedding = vectors[j]!));
  }
  if (deps.vectorStore) {
    await deps.vectorStore.upsert(
      suiteCollection(suiteId),
      prepared.map((c) => ({ id: c.id, vector: c.embedding!, metadata: { suite_id: suiteId } })),
    );
  }
  return prepared;
}
