export * from './request-fingerprint.js';
export * from './idempotency-service.js';
