export { buildApp, type BuildAppOptions, type RegisteredRoute } from './app.js';
export { loadConfig, ConfigError, type FtmConfig } from './config.js';
export { createLogger, REDACT_PATHS } from './http/logger.js';
export { problemFor, problemForDomainError, type Problem } from './http/problem.js';
export { openRuntime, openConfiguredDatabase } from './runtime/open-runtime.js';
export { startWorker } from './runtime/start-worker.js';
export { loadContract, contractOperations, type OpenApiDocument } from './contract/load-contract.js';
export { UNIMPLEMENTED_OPERATIONS } from './contract/unimplemented-operations.js';
export { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './http/rate-limits.js';
