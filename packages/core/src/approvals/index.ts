export * from './approval.js';
export * from './approval-hooks.js';
export type * from './approval-deps.js';
export type * from './prism-gateway.js';
export * from './request-approval.js';
export * from './get-approval.js';
export * from './list-approvals.js';
export * from './decide-approval.js';
export * from './sync-prism-approval.js';
