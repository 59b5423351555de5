export type * from './model-runner.js';
export * from './judge-format.js';
export * from './inference-prices.js';
export * from './runner-registry.js';
