export * from './governance-policy.js';
export * from './load-policy-file.js';
export * from './local-governance-engine.js';
export * from './create-governance-engine.js';
