import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The compiler options of the strictest app a user may write: what the acceptance names
 * (`strict`, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, nodenext), with `@ftm/sdk`
 * mapped to this package's source, which is compiled under the same flags.
 */
export const STRICT_APP_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  skipLibCheck: true,
  noEmit: true,
  baseUrl: PACKAGE,
  paths: { '@ftm/sdk': ['src/index.ts'], '@ftm/sdk/webhooks': ['src/webhooks/index.ts'] },
};
