export * from './sanitizer.js';
export * from './checksums.js';
export * from './pii-detector.js';
export * from './builtin-sanitizer.js';
