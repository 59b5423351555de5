import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import {
  createDatasetIntegrations,
  defaultFtmMetrics,
  recordProviderCalls,
  createFtm,
  createGovernanceEngine,
  openBlobStore,
  openPglite,
  openPointerChangeBus,
  openPostgres,
  openQueue,
  type FtmDatabase,
  type Ftm,
} from '@ftm/core';
import type { FtmConfig } from '../config.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { WORKER_JOB_NAMES } from './start-worker.js';
import { assertSecretsReadable, openSecretKeyring } from './open-secret-keyring.js';
import { fineTuningProviders, evalProviders } from './provider-wiring.js';

const locks = new WeakMap<FtmDatabase, DataDirLock>();

/** The embedded data directory lock held for this database (PGlite only). */
export function dataDirLockOf(database: FtmDatabase): DataDirLock | undefined {
  return locks.get(database);
}

/**
 * Opens the database the config names: PostgreSQL, or PGlite under FTM_DATA_DIR/db. PGlite is
 * one process only, so this process first takes the data directory's lock (`ftm.lock`, with its
 * pid; a dead owner's lock is taken over) and refuses, naming the owner, when another holds it.
 * Closing the database releases the lock.
 */
export async function openConfiguredDatabase(config: FtmConfig, command = 'start'): Promise<FtmDatabase> {
  if (config.database.kind === 'postgres') return openPostgres({ connectionString: config.database.url });
  await mkdir(config.database.dataDir, { recursive: true });
  const lock = acquireDataDirLock(config.dataDir, command);
  try {
    const pglite = await openPglite({ dataDir: config.database.dataDir });
    const database: FtmDatabase = {
      db: pglite.db,
      dialect: pglite.dialect,
      migrate: (dir) => pglite.migrate(dir),
      withSession: (fn) => pglite.withSession(fn),
      check: () => pglite.check(),
      close: async () => {
        try {
          await pglite.close();
        } finally {
          lock.release();
        }
      },
    };
    locks.set(database, lock);
    return database;
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * The services of one process on the configured adapters. Embedded databases are migrated here
 * (nobody else could); a shared PostgreSQL only when `migrate` says so (`ftm start`, `ftm migrate`).
 */
export async function openRuntime(config: FtmConfig, logger: Logger, options: { migrate?: boolean; command?: string } = {}): Promise<Ftm> {
  const database = await openConfiguredDatabase(config, options.command);
  try {
    if (options.migrate || config.database.kind === 'pglite') {
      const report = await database.migrate();
      if (report.applied.length > 0) logger.info({ applied: report.applied }, 'database migrated');
    }
    const blobs = openBlobStore(config.storage.uri, {
      ...(config.storage.region ? { region: config.storage.region } : {}),
      ...(config.storage.endpoint ? { endpoint: config.storage.endpoint } : {}),
    });
    const queue =
      config.queue.type === 'local'
        ? openQueue({ type: 'local', database, logger, ...(config.database.kind === 'postgres' ? { url: config.database.url } : {}) })
        : // rabbit and sqs keep their ledger in the FTM database, and report the worker's jobs in depth() even when idle.
          openQueue({ type: config.queue.type, url: config.queue.url, database, jobNames: WORKER_JOB_NAMES, logger, ...(config.queue.prefix ? { prefix: config.queue.prefix } : {}) });
    const keyring = await openSecretKeyring(config, logger);
    // Every provider HTTP call of this process (any adapter) is counted by provider and status.
    recordProviderCalls(defaultFtmMetrics());
    const orchestrator = config.orchestrator ? { baseUrl: config.orchestrator.url, apiKey: config.orchestrator.apiKey } : null;
    const governance = await createGovernanceEngine({ env: config.env, orchestrator });
    const ftm = createFtm({
      database,
      blobs,
      queue,
      logger,
      governance,
      datasets: createDatasetIntegrations({ trismUrl: config.trismUrl, orchestrator: config.orchestrator, integrationApiKey: config.integrationApiKey }),
      secrets: { keyring },
      fineTuning: {
        env: config.env,
        ...fineTuningProviders(config.providers),
        orchestrator: config.orchestrator ?? null,
        prism: config.prismUrl && config.integrationApiKey ? { url: config.prismUrl, apiKey: config.integrationApiKey } : null,
        ...simulatedPace(config.simulatedFtSeconds),
      },
      webhooks: {
        settings: {
          signingKey: config.webhookSigningKey ?? null,
          previousSigningKeys: [...config.webhookPreviousSigningKeys],
          ...(config.webhookRetryScheduleMs ? { retryScheduleMs: [...config.webhookRetryScheduleMs] } : {}),
          allowPrivateDestinations: config.env === 'dev',
          destinationAllowlist: [...config.webhookAllowedDestinations],
        },
        onAttemptResult: (result) => defaultFtmMetrics().webhookAttempts.inc({ outcome: result.kind }),
      },
      evals: {
        ...evalProviders(config.providers),
        vectorStore: config.vectorUrl && config.integrationApiKey ? { url: config.vectorUrl, apiKey: config.integrationApiKey } : null,
      },
      auth: { cacheTtlMs: config.authCacheTtlMs, ...(config.orchestrator ? { orchestrator: config.orchestrator } : {}) },
      // Pointer swaps reach every API process: over Redis when the queue is Redis, else over the shared PostgreSQL; PGlite is one process.
      promotions: {
        bus: openPointerChangeBus(
          config.queue.type === 'redis' ? { type: 'redis', url: config.queue.url } : config.database.kind === 'postgres' ? { type: 'postgres', url: config.database.url } : { type: 'in_process' },
          logger,
        ),
      },
    });
    try {
      if (!keyring) assertSecretsReadable(config.env, keyring, await ftm.secrets.count(database.db));
    } catch (error) {
      await ftm.close().catch(() => undefined);
      throw error;
    }
    return ftm;
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

/**
 * FTM_SIMULATED_FT_SECONDS: a simulated job takes that long (an eighth validating, an eighth
 * queued, the rest running), and jobs are polled at a matching pace (an eighth of it at first,
 * a quarter at most) so the end is seen soon after it happens. Real providers are unaffected.
 */
function simulatedPace(seconds: number | undefined): { simulatedTimings?: { validatingMs: number; queuedMs: number; runningMs: number }; poll?: { initialDelayMs: number; maxDelayMs: number } } {
  if (!seconds) return {};
  const total = seconds * 1000;
  return {
    simulatedTimings: { validatingMs: total / 8, queuedMs: total / 8, runningMs: (total * 3) / 4 },
    poll: { initialDelayMs: total / 8, maxDelayMs: total / 4 },
  };
}
