export * from './grader-config.js';
export type * from './grader-types.js';
export * from './compile-graders.js';
export * from './judge-grader.js';
export { jsonSubset, jsonEqual } from './json-graders.js';
export { parseStatedNumber } from './text-graders.js';
export * from './text-similarity.js';
export * from './json-schema-compiler.js';
