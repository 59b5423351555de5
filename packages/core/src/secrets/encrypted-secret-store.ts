import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { DB, SecretsTable } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import type { SecretKeyring } from './secret-keyring.js';

/** Where a secret lives: a tenant, and one of its projects or (null) the whole tenant. */
export interface SecretScope {
  readonly tenantId: string;
  readonly projectId: string | null;
}

/** One secret's address: its scope, what kind of secret it is, and its name within the kind. */
export interface SecretAddress extends SecretScope {
  /** What the secret is for, e.g. `provider_credential`, `langfuse`. */
  readonly kind: string;
  /** Which one of that kind, e.g. the provider name `openai`. */
  readonly name: string;
}

/** A secret's value: named fields (`api_key`, `public_key`/`secret_key`, …), all strings. */
export type SecretValue = Readonly<Record<string, string>>;

/** What may be shown about a stored secret: everything except its value. */
export interface SecretInfo extends SecretAddress {
  readonly id: string;
  /** The field names the value holds (never their contents). */
  readonly fields: readonly string[];
  /** The id of the key that sealed it (see SecretKeyring). */
  readonly keyId: string;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A secret found for a scope, and whether it was the project's own or the tenant's. */
export interface ResolvedSecret {
  readonly value: SecretValue;
  readonly info: SecretInfo;
  readonly source: 'project' | 'tenant';
}

const KIND_RE = /^[a-z][a-z0-9_]{0,31}$/;
const NAME_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const FIELD_RE = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_VALUE_BYTES = 16 * 1024;

type SecretRow = Selectable<SecretsTable>;

function toInfo(row: Omit<SecretRow, 'nonce' | 'ciphertext'>): SecretInfo {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    projectId: row.project_id,
    kind: row.kind,
    name: row.name,
    fields: [...row.fields],
    keyId: row.key_id,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** What the ciphertext is bound to: a row moved to another tenant, project, kind or name fails to open. */
function aadOf(a: SecretAddress): string {
  return `ftm-secret:v1\u0000${a.tenantId}\u0000${a.projectId ?? '-'}\u0000${a.kind}\u0000${a.name}`;
}

/** The row at exactly this address (a null project is the tenant-wide row). */
function exactly(eb: ExpressionBuilder<DB, 'secrets'>, a: SecretAddress) {
  return eb.and([eb('tenant_id', '=', a.tenantId), eb('kind', '=', a.kind), eb('name', '=', a.name), a.projectId === null ? eb('project_id', 'is', null) : eb('project_id', '=', a.projectId)]);
}

function checkAddress(a: SecretAddress): void {
  if (!KIND_RE.test(a.kind)) throw new ValidationError(`secret kind ${JSON.stringify(a.kind)} is not valid`, [{ path: 'kind', message: 'lower-case letters, digits and _' }]);
  if (!NAME_RE.test(a.name)) throw new ValidationError(`secret name ${JSON.stringify(a.name)} is not valid`, [{ path: 'name', message: 'lower-case letters, digits, _, . and -' }]);
}

function checkValue(value: SecretValue): string {
  const entries = Object.entries(value);
  if (entries.length === 0) throw new ValidationError('a secret needs at least one field');
  for (const [field, v] of entries) {
    if (!FIELD_RE.test(field)) throw new ValidationError(`secret field ${JSON.stringify(field)} is not valid`, [{ path: field, message: 'lower-case letters, digits and _' }]);
    if (typeof v !== 'string') throw new ValidationError(`secret field ${field} must be a string`, [{ path: field, message: 'must be a string' }]);
  }
  const json = JSON.stringify(Object.fromEntries(entries.sort(([x], [y]) => (x < y ? -1 : 1))));
  if (Buffer.byteLength(json) > MAX_VALUE_BYTES) throw new ValidationError(`a secret may hold at most ${MAX_VALUE_BYTES} bytes`);
  return json;
}

/**
 * Secrets of tenants and projects, encrypted at rest (AES-256-GCM under FTM_SECRETS_KEY). Values
 * go in through {@link put} and come out only through {@link get}/{@link resolve}, for the code
 * that calls the service they unlock; listings show names and fields only. Every method takes the
 * database handle to run on, so a use case writes the secret, its event and its audit row in one
 * transaction. Without a keyring nothing can be stored ({@link put} is a ConflictError
 * `secrets_key_missing`) and nothing stored can be read.
 */
export class EncryptedSecretStore {
  readonly #keyring: SecretKeyring | null;

  constructor(keyring: SecretKeyring | null) {
    this.#keyring = keyring;
  }

  /** Whether a key is configured, so secrets can be stored and read. */
  get configured(): boolean {
    return this.#keyring !== null;
  }

  /** Stores or replaces the secret at `address`; `replaced` tells which. */
  async put(db: Kysely<DB>, ctx: Pick<ServiceContext, 'actor' | 'clock' | 'ids'>, address: SecretAddress, value: SecretValue): Promise<{ info: SecretInfo; replaced: boolean }> {
    checkAddress(address);
    const json = checkValue(value);
    const sealed = this.#requireKeyring('storing a secret').seal(json, aadOf(address));
    const now = ctx.clock.now();
    const actor = `${ctx.actor.type}:${ctx.actor.id}`;
    const row = await db
      .insertInto('secrets')
      .values({
        id: ctx.ids.next(),
        tenant_id: address.tenantId,
        project_id: address.projectId,
        kind: address.kind,
        name: address.name,
        fields: Object.keys(value).sort(),
        key_id: sealed.keyId,
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        created_by: actor,
        updated_by: actor,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'kind', 'name', 'project_id']).doUpdateSet((eb) => ({
          fields: eb.ref('excluded.fields'),
          key_id: eb.ref('excluded.key_id'),
          nonce: eb.ref('excluded.nonce'),
          ciphertext: eb.ref('excluded.ciphertext'),
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returning(['id', 'tenant_id', 'project_id', 'kind', 'name', 'fields', 'key_id', 'created_by', 'updated_by', 'created_at', 'updated_at', sql<boolean>`xmax <> 0`.as('replaced')])
      .executeTakeFirstOrThrow();
    const { replaced, ...rest } = row;
    return { info: toInfo(rest), replaced };
  }

  /** Deletes the secret at `address`; what was deleted, or null when there was none. */
  async delete(db: Kysely<DB>, address: SecretAddress): Promise<SecretInfo | null> {
    checkAddress(address);
    const row = await db
      .deleteFrom('secrets')
      .where((eb) => exactly(eb, address))
      .returning(['id', 'tenant_id', 'project_id', 'kind', 'name', 'fields', 'key_id', 'created_by', 'updated_by', 'created_at', 'updated_at'])
      .executeTakeFirst();
    return row ? toInfo(row) : null;
  }

  /** The secret stored exactly at `address` (no fallback), or null. */
  async get(db: Kysely<DB>, address: SecretAddress): Promise<SecretValue | null> {
    checkAddress(address);
    const row = await db
      .selectFrom('secrets')
      .selectAll()
      .where((eb) => exactly(eb, address))
      .executeTakeFirst();
    return row ? this.#open(row) : null;
  }

  /**
   * The most specific secret for a scope: the project's own, else the tenant's, else null (the
   * caller falls back to the server's default). One query.
   */
  async resolve(db: Kysely<DB>, address: SecretAddress): Promise<ResolvedSecret | null> {
    checkAddress(address);
    const rows = await db
      .selectFrom('secrets')
      .selectAll()
      .where('tenant_id', '=', address.tenantId)
      .where('kind', '=', address.kind)
      .where('name', '=', address.name)
      .where((eb) => (address.projectId ? eb.or([eb('project_id', 'is', null), eb('project_id', '=', address.projectId)]) : eb('project_id', 'is', null)))
      .execute();
    const row = rows.find((r) => r.project_id !== null) ?? rows[0];
    if (!row) return null;
    return { value: this.#open(row), info: toInfo(row), source: row.project_id === null ? 'tenant' : 'project' };
  }

  /**
   * What is stored for a tenant, without values, oldest first (optionally one kind/name; with
   * `projectId`, only that project's and the tenant-wide ones); `afterId` and `limit` page it.
   */
  async list(
    db: Kysely<DB>,
    filter: { readonly tenantId: string; readonly kind?: string; readonly name?: string; readonly projectId?: string | null; readonly afterId?: string; readonly limit?: number },
  ): Promise<SecretInfo[]> {
    let q = db
      .selectFrom('secrets')
      .select(['id', 'tenant_id', 'project_id', 'kind', 'name', 'fields', 'key_id', 'created_by', 'updated_by', 'created_at', 'updated_at'])
      .where('tenant_id', '=', filter.tenantId);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.name) q = q.where('name', '=', filter.name);
    const projectId = filter.projectId;
    if (projectId) q = q.where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', projectId)]));
    if (filter.afterId) q = q.where('id', '>', filter.afterId);
    const rows = await q
      .orderBy('id')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(toInfo);
  }

  /**
   * After a key rotation: seals again, under the primary key, every secret sealed with an earlier
   * one, each row locked and rewritten on its own. Rows that do not open (unknown key, altered)
   * are left as they are and reported by id. Once nothing is left over, the earlier keys
   * (FTM_SECRETS_PREVIOUS_KEYS) can be dropped.
   */
  async reseal(db: Kysely<DB>): Promise<{ resealed: number; failed: { id: string; code: string }[] }> {
    const keyring = this.#requireKeyring('resealing secrets');
    let resealed = 0;
    const failed: { id: string; code: string }[] = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await db.selectFrom('secrets').select('id').where('key_id', '<>', keyring.primaryKeyId).where('id', '>', after).orderBy('id').limit(100).execute();
      if (batch.length === 0) return { resealed, failed };
      after = batch[batch.length - 1]!.id;
      for (const { id } of batch) {
        try {
          await db.transaction().execute(async (trx) => {
            const row = await trx.selectFrom('secrets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
            if (!row || row.key_id === keyring.primaryKeyId) return;
            const aad = aadOf({ tenantId: row.tenant_id, projectId: row.project_id, kind: row.kind, name: row.name });
            const sealed = keyring.seal(keyring.open({ keyId: row.key_id, nonce: row.nonce, ciphertext: row.ciphertext }, aad), aad);
            await trx.updateTable('secrets').set({ key_id: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext }).where('id', '=', id).execute();
            resealed += 1;
          });
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          failed.push({ id, code: error.code });
        }
      }
    }
  }

  /** How many secrets are stored in all (start-up checks: is a key needed?). */
  async count(db: Kysely<DB>): Promise<number> {
    const row = await db
      .selectFrom('secrets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  #open(row: SecretRow): SecretValue {
    const json = this.#requireKeyring('reading a stored secret').open(
      { keyId: row.key_id, nonce: row.nonce, ciphertext: row.ciphertext },
      aadOf({ tenantId: row.tenant_id, projectId: row.project_id, kind: row.kind, name: row.name }),
    );
    return JSON.parse(json) as SecretValue;
  }

  #requireKeyring(what: string): SecretKeyring {
    if (!this.#keyring) throw new ConflictError(`${what} needs FTM_SECRETS_KEY, which this server does not have`, 'secrets_key_missing');
    return this.#keyring;
  }
}
