/**
 * FTM embedded in your own process: no server, no services. PGlite (real PostgreSQL in WASM) in
 * a data directory, blobs on the filesystem, the Postgres-backed local queue, and the same use
 * cases the HTTP API calls.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFtm, FsBlobStore, openPglite, openQueue, uuidv7, type ModelVersion } from '@ftm/core';

/** Where to keep the data (default: a fresh temporary directory, removed at the end) and where to print. */
export interface EmbeddedExampleOptions {
  readonly dataDir?: string;
  readonly print?: (line: string) => void;
}

/** What the example did, for callers and the test. */
export interface EmbeddedExampleResult {
  readonly tenantId: string;
  readonly registered: ModelVersion;
  readonly listed: readonly ModelVersion[];
}

/** Opens FTM in process, bootstraps a tenant, registers a model version and lists the candidates. */
export async function runEmbeddedExample(options: EmbeddedExampleOptions = {}): Promise<EmbeddedExampleResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'ftm-embedded-')));
  await mkdir(join(dataDir, 'blobs'), { recursive: true });

  const database = await openPglite({ dataDir: join(dataDir, 'db') });
  const ftm = createFtm({
    database,
    blobs: new FsBlobStore({ root: join(dataDir, 'blobs') }),
    queue: openQueue({ type: 'local', database }),
  });
  try {
    const report = await database.migrate();
    print(`migrated: ${report.applied.length} migration(s) applied`);

    // The first start creates the default tenant, project and an admin key; later starts reuse them.
    const boot = await ftm.auth.ensureBootstrap();
    if (!boot.created) throw new Error(`${dataDir} already holds an FTM database; use a fresh directory`);
    print(`tenant ${boot.tenantId} with project ${boot.projectId}`);

    // Act as that admin key, exactly as an HTTP request bearing it would.
    const principal = await ftm.auth.authenticate(boot.adminKey.secret);
    const ctx = ftm.context(principal, uuidv7());

    const registered = await ftm.registry.createModelVersion(ctx, {
      name: 'support-bot',
      provider: 'openai',
      provider_model_id: `ft:gpt-4o-mini-2024-07-18:acme:support:${uuidv7().slice(-8)}`,
      base_model: 'gpt-4o-mini-2024-07-18',
      metadata: { team: 'support' },
    });
    print(`registered ${registered.id} ${registered.name} (${registered.status})`);

    const page = await ftm.registry.listModelVersions(ctx, { status: 'candidate' });
    for (const v of page.data) print(`  ${v.status} ${v.name} ${v.provider_model_id}`);
    return { tenantId: boot.tenantId, registered, listed: page.data };
  } finally {
    await ftm.close();
    if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runEmbeddedExample().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
