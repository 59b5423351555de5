import type { VectorMatch } from './cosine.js';

/** One stored vector with its id and small string metadata. */
export interface VectorPoint {
  readonly id: string;
  readonly vector: readonly number[];
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * An external vector store (the contract in docs/integrations.md, `FTM_VECTOR_URL`). It belongs
 * to the customer's deployment; collections are named by FTM (`ftm-eval-cases-<suite id>`) or
 * by the customer (`kb_collection`). An unknown collection is a NotFoundError.
 */
export interface VectorStore {
  readonly name: string;
  upsert(collection: string, points: readonly VectorPoint[]): Promise<void>;
  /** Matches by descending cosine similarity, at most `topK`. */
  query(collection: string, vector: readonly number[], topK: number): Promise<readonly VectorMatch[]>;
}
