export * from './langfuse-client.js';
export * from './langfuse-credentials.js';
export * from './langfuse-generation-example.js';
export { setLangfuseCredential } from './set-langfuse-credential.js';
export { deleteLangfuseCredential } from './delete-langfuse-credential.js';
export { listLangfuseCredentials } from './list-langfuse-credentials.js';
