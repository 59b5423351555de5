export * from './record-audit.js';
export * from './audit-event.js';
export * from './list-audit-events.js';
export * from './get-audit-event.js';
export * from './audit-sink.js';
export * from './forward-audit-events.js';
export * from './audit-forwarding-loop.js';
