import type { Logger } from 'pino';
import { isUuid, uuidv7, ValidationError, type Ftm, type ServiceContext } from '@ftm/core';
import type { FtmConfig } from '../config.js';
import { openConfiguredDatabase, openRuntime } from '../runtime/open-runtime.js';

type Out = (line: string) => void;

/** `ftm migrate`: applies pending migrations (safe to run twice, and from two processes). */
export async function migrateCommand(config: FtmConfig, out: Out): Promise<void> {
  const database = await openConfiguredDatabase(config, 'migrate');
  try {
    const report = await database.migrate();
    out(report.applied.length ? `applied ${report.applied.join(', ')}` : 'nothing to apply');
    out(`${report.alreadyApplied.length + report.applied.length} migrations in place`);
  } finally {
    await database.close();
  }
}

async function withFtm<T>(config: FtmConfig, logger: Logger, fn: (ftm: Ftm) => Promise<T>, command = 'admin'): Promise<T> {
  const ftm = await openRuntime(config, logger, { command });
  try {
    return await fn(ftm);
  } finally {
    await ftm.close();
  }
}

/** The CLI acts as an admin of one tenant (id or name; a new name creates the tenant). */
async function cliContext(ftm: Ftm, tenant: string | undefined): Promise<ServiceContext> {
  const db = ftm.database.db;
  let row = tenant
    ? await db
        .selectFrom('tenants')
        .select('id')
        .where(isUuid(tenant) ? 'id' : 'name', '=', tenant)
        .orderBy('created_at')
        .executeTakeFirst()
    : await db.selectFrom('tenants').select('id').orderBy('created_at').executeTakeFirst();
  if (!row && tenant && !isUuid(tenant)) {
    row = await db.insertInto('tenants').values({ id: uuidv7(), name: tenant }).returning('id').executeTakeFirstOrThrow();
  }
  if (!row) throw new ValidationError('no such tenant', [{ path: '--tenant', message: tenant ? 'unknown tenant id' : 'no tenant yet: pass --tenant <name>' }]);
  return ftm.systemContext(row.id, { actor: { type: 'cli', id: 'cli', role: 'admin' } });
}

/** `ftm keys create|list|revoke`. */
export async function keysCommand(
  action: string | undefined,
  args: { tenant?: string; project?: string; role?: string; name?: string; id?: string },
  config: FtmConfig,
  logger: Logger,
  out: Out,
): Promise<void> {
  await withFtm(
    config,
    logger,
    async (ftm) => {
      const ctx = await cliContext(ftm, args.tenant);
      if (action === 'create') {
        const key = await ftm.auth.createApiKey(ctx, {
          name: args.name ?? 'cli key',
          ...(args.role ? { role: args.role } : {}),
          ...(args.project ? { project_id: args.project } : {}),
        });
        out(`created ${key.role} key ${key.id} (${key.prefix}…)${key.project_id ? ` for project ${key.project_id}` : ''}; the secret is shown only now:`);
        out(`  ${key.secret}`);
      } else if (action === 'list') {
        const page = await ftm.auth.listApiKeys(ctx, { limit: '200', include_revoked: 'true' });
        for (const k of page.data) {
          out([k.id, k.prefix + '…', k.role, k.name, k.project_id ?? '-', k.revoked_at ? `revoked ${k.revoked_at}` : 'active', `last used ${k.last_used_at ?? 'never'}`].join('\t'));
        }
        if (page.data.length === 0) out('no keys');
      } else if (action === 'revoke') {
        if (!args.id) throw new ValidationError('which key?', [{ path: 'id', message: 'usage: ftm keys revoke <id>' }]);
        const key = await ftm.auth.revokeApiKey(ctx, args.id);
        out(`revoked ${key.id} (${key.prefix}…) at ${key.revoked_at}`);
      } else {
        throw new ValidationError('unknown keys command', [{ path: 'keys', message: 'use create, list or revoke' }]);
      }
    },
    `keys ${action ?? ''}`.trim(),
  );
}

/** `ftm queue-replay --since <time>`: dead-lettered jobs back to waiting. */
export async function queueReplayCommand(since: string | undefined, config: FtmConfig, logger: Logger, out: Out): Promise<void> {
  const at = since ? new Date(since) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new ValidationError('--since is required', [{ path: '--since', message: 'an RFC 3339 time, e.g. 2026-01-01T00:00:00Z' }]);
  }
  await withFtm(
    config,
    logger,
    async (ftm) => {
      const count = await ftm.queue.replayDeadLetters({ since: at });
      out(`replayed ${count} dead-lettered job${count === 1 ? '' : 's'} since ${at.toISOString()}`);
    },
    'queue-replay',
  );
}

/** `ftm secrets reseal`: after a FTM_SECRETS_KEY rotation, reseals stored secrets under the new key. */
export async function secretsCommand(action: string | undefined, config: FtmConfig, logger: Logger, out: Out): Promise<void> {
  if (action !== 'reseal') throw new ValidationError('unknown secrets command', [{ path: 'secrets', message: 'use reseal' }]);
  await withFtm(config, logger, async (ftm) => {
    const { resealed, failed } = await ftm.secrets.reseal(ftm.database.db);
    out(`resealed ${resealed} secret${resealed === 1 ? '' : 's'} under the current FTM_SECRETS_KEY`);
    for (const f of failed) out(`  could not open secret ${f.id} (${f.code}); left as it is`);
    if (failed.length === 0) out('no secret needs an earlier key now: FTM_SECRETS_PREVIOUS_KEYS can be removed');
  });
}

/** `ftm tenants create <name>` (prints the first admin key once) and `ftm tenants list`. */
export async function tenantsCommand(action: string | undefined, name: string | undefined, config: FtmConfig, logger: Logger, out: Out): Promise<void> {
  if (action !== 'create' && action !== 'list') throw new ValidationError('unknown tenants command', [{ path: 'tenants', message: 'use create <name> or list' }]);
  if (action === 'create' && !name) throw new ValidationError('which name?', [{ path: 'name', message: 'usage: ftm tenants create <name>' }]);
  await withFtm(
    config,
    logger,
    async (ftm) => {
      if (action === 'create') {
        const { tenant, project, admin_key: key } = await ftm.auth.createTenant({ name }, { actor: { type: 'cli', id: 'cli', role: 'admin' } });
        out(`created tenant ${tenant.name} (${tenant.id}) with project default (${project.id}) and admin key ${key.id} (${key.prefix}…); the secret is shown only now:`);
        out(`  ${key.secret}`);
        return;
      }
      let cursor: string | null = null;
      let count = 0;
      do {
        const page = await ftm.auth.listTenants({ limit: '200', ...(cursor ? { cursor } : {}) });
        for (const t of page.data) out([t.id, t.name, t.created_at].join('\t'));
        count += page.data.length;
        cursor = page.next_cursor;
      } while (cursor);
      if (count === 0) out('no tenants');
    },
    `tenants ${action}`,
  );
}
