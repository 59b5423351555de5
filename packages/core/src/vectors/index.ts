export type * from './embedder.js';
export * from './cosine.js';
export * from './local-embedder.js';
export * from './openai-embedder.js';
export type * from './vector-store.js';
export * from './http-vector-store.js';
export * from './case-vector-search.js';
