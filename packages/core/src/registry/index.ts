export * from './model-version.js';
export * from './model-version-state-machine.js';
export * from './kysely-model-version-repository.js';
export * from './create-model-version.js';
export * from './get-model-version.js';
export * from './list-model-versions.js';
export * from './transition-model-version.js';
export * from './warn-model-retirements.js';
