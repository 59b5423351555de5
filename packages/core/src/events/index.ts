export * from './stream-event.js';
export * from './read-events.js';
export type * from './event-notifier.js';
export * from './polling-event-notifier.js';
