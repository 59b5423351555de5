/**
 * One API process for the multi-instance test: the real app on a shared PostgreSQL, pointer
 * changes over LISTEN/NOTIFY. Prints `{"port":N}` once listening; SIGTERM closes it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFtm, FsBlobStore, openPostgres, openQueue, PgNotifyPointerChangeBus } from '@ftm/core';
import { buildApp } from '../../../app.js';
import { createLogger } from '../../../http/logger.js';

const url = process.env.FTM_TEST_DATABASE_URL;
if (!url) throw new Error('FTM_TEST_DATABASE_URL is required');
const database = openPostgres({ connectionString: url, maxConnections: 4 });
const ftm = createFtm({
  database,
  blobs: new FsBlobStore({ root: await mkdtemp(join(tmpdir(), 'ftm-api-instance-')) }),
  queue: openQueue({ type: 'local', database }),
  promotions: { bus: new PgNotifyPointerChangeBus({ connectionString: url }) },
});
const app = await buildApp({
  config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 },
  ftm,
  logger: createLogger({ level: 'silent' }),
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await ftm.close();
    process.exit(0);
  })();
});
