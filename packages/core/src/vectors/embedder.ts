/** Turns texts into vectors of one fixed dimension (same order as given). */
export interface Embedder {
  /** Names the model (`local-hash-256`, `text-embedding-3-small`); stored with what it embedded. */
  readonly name: string;
  embed(texts: readonly string[], options?: { readonly signal?: AbortSignal }): Promise<number[][]>;
}
