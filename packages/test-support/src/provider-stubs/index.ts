export * from './http-stub.js';
export * from './together-stub.js';
export * from './together-openapi-validator.js';
export * from './openai-stub.js';
