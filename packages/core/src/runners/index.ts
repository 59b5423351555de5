export type * from './model-runner.js';
export * from './judge-format.js';
export * from './inference-prices.js';
export * from './runner-registry.js';
export * from '../adapters/openai/chat-runner.js';
export * from '../adapters/simulated/simulated-runner.js';
