export * from './secret-keyring.js';
export * from './encrypted-secret-store.js';
