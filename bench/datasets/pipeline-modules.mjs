// Everything a bench phase uses from @ftm/core, in one module: imported from source (through tsx)
// or compiled the way the package ships (see bundle.mjs).
export { readJsonLines } from '../../packages/core/src/datasets/build/line-reader.ts';
export { loadTextCounter, countExampleTokens } from '../../packages/core/src/datasets/build/token-counter.ts';
export { FsBlobStore } from '../../packages/core/src/adapters/fs/fs-blob-store.ts';
export { RecordProcessorPool } from '../../packages/core/src/datasets/build/record-processor-pool.ts';
export { runDatasetBuild } from '../../packages/core/src/datasets/build/run-dataset-build.ts';
export { DatasetBuildConfig } from '../../packages/core/src/datasets/dataset-config.ts';
export { BuiltinSanitizer } from '../../packages/core/src/sanitization/builtin-sanitizer.ts';
