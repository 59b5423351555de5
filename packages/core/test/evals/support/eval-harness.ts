/**
 * One PGlite database, a filesystem blob store and a local queue (not consumed: tests drive the
 * run engine directly) with the eval dependencies wired as in the embedded default.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../../src/adapters/fs/fs-blob-store.js';
import { LocalQueue } from '../../../src/adapters/local-queue/local-queue.js';
import { SimulatedRunner } from '../../../src/adapters/simulated/simulated-runner.js';
import { LocalGovernanceEngine } from '../../../src/governance/local-governance-engine.js';
import { BuiltinSanitizer } from '../../../src/sanitization/builtin-sanitizer.js';
import { createModelRunnerRegistry } from '../../../src/runners/runner-registry.js';
import { DEFAULT_INFERENCE_PRICES } from '../../../src/runners/inference-prices.js';
import type { ModelRunner } from '../../../src/runners/model-runner.js';
import { LocalEmbedder } from '../../../src/vectors/local-embedder.js';
import { simulatedExampleLoader } from '../../../src/evals/dataset-cases.js';
import type { EvalDeps } from '../../../src/evals/eval-deps.js';
import type { GovernancePolicy } from '../../../src/governance/governance-policy.js';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';

export interface EvalHarness {
  readonly testDb: TestDatabase;
  readonly blobs: FsBlobStore;
  readonly queue: LocalQueue;
  /** Deps with the simulated runner (or `runner`) and an allow-all or given policy. */
  deps(options?: { runner?: ModelRunner; policy?: GovernancePolicy; simulated?: ConstructorParameters<typeof SimulatedRunner>[0] extends infer O ? Partial<O> : never }): EvalDeps;
  dispose(): Promise<void>;
}

/** `create` picks the store (PGlite unless told otherwise). */
export async function createEvalHarness(create: () => Promise<TestDatabase> = createPgliteTestDatabase): Promise<EvalHarness> {
  const testDb = await create();
  const root = await mkdtemp(join(tmpdir(), 'ftm-evals-'));
  const blobs = new FsBlobStore({ root });
  const queue = new LocalQueue(testDb.database);
  const db = testDb.database.db;
  return {
    testDb,
    blobs,
    queue,
    deps(options = {}) {
      const simulated = options.runner ?? new SimulatedRunner({ examples: simulatedExampleLoader(db, blobs), ...options.simulated });
      return {
        db,
        blobs,
        queue,
        governance: new LocalGovernanceEngine(options.policy ?? { version: 1, default: 'allow', rules: [] }),
        sanitizer: new BuiltinSanitizer(),
        runners: createModelRunnerRegistry({ simulated }),
        prices: DEFAULT_INFERENCE_PRICES,
        embedder: new LocalEmbedder(),
        vectorStore: null,
        engine: { sleep: async () => {} },
      };
    },
    async dispose() {
      await queue.close();
      await testDb.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A runner that counts calls (and can interrupt a run after some), delegating to another. */
export class CountingRunner implements ModelRunner {
  readonly name = 'simulated';
  calls = 0;
  constructor(
    readonly inner: ModelRunner,
    readonly onCall: (n: number) => void = () => {},
  ) {}
  async complete(...args: Parameters<ModelRunner['complete']>) {
    this.calls += 1;
    this.onCall(this.calls);
    return this.inner.complete(...args);
  }
}
