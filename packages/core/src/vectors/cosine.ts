/** Cosine similarity of two vectors of the same dimension (0 when either is all zeros). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vector dimensions differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** A match of a vector search: the point id and its cosine similarity (higher is closer). */
export interface VectorMatch {
  readonly id: string;
  readonly score: number;
}

/** Exact top-k by cosine similarity; ties keep the input order, so results are deterministic. */
export function exactTopK(query: ArrayLike<number>, points: Iterable<{ readonly id: string; readonly vector: ArrayLike<number> }>, topK: number): VectorMatch[] {
  const scored: (VectorMatch & { order: number })[] = [];
  let order = 0;
  for (const p of points) scored.push({ id: p.id, score: cosineSimilarity(query, p.vector), order: order++ });
  scored.sort((x, y) => y.score - x.score || x.order - y.order);
  return scored.slice(0, topK).map(({ id, score }) => ({ id, score }));
}
