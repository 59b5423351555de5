export * from './together-fine-tune-provider.js';
export * from './together-chat-runner.js';
export * from './together-endpoint.js';
