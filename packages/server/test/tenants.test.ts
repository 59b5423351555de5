import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from '@ftm/core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { tenantsCommand } from '../src/commands/admin.js';
import { createLogger } from '../src/http/logger.js';
import { ContractValidator } from './support/contract-validator.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

const OPERATOR_TOKEN = 'operator-token-0123456789abcdef0123456789abcdef';
const contract = new ContractValidator();
let t: TestApp;
let app: FastifyInstance;
let noToken: FastifyInstance;

beforeAll(async () => {
  t = await createTestApp();
  const logger = createLogger({ level: 'silent' });
  app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024, operatorToken: OPERATOR_TOKEN }, ftm: t.ftm, logger });
  noToken = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm: t.ftm, logger });
});
afterAll(async () => {
  await app?.close();
  await noToken?.close();
  await t?.close();
});

const asOperator = (credential: string, options: { method?: 'GET' | 'POST'; url: string; payload?: unknown; idempotent?: boolean }) =>
  app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    ...(options.payload ? { payload: options.payload as Record<string, unknown> } : {}),
    headers: { authorization: `Bearer ${credential}`, ...(options.method === 'POST' && options.idempotent !== false ? { 'idempotency-key': uuidv7() } : {}) },
  });

describe('tenants over HTTP (operator credential FTM_OPERATOR_TOKEN)', () => {
  it('creates a tenant with its default project and a working first admin key, shown once', async () => {
    const res = await asOperator(OPERATOR_TOKEN, { method: 'POST', url: '/tenants', payload: { name: 'acme' } });
    expect(res.statusCode).toBe(201);
    expect(contract.check('POST', '/tenants', res)).toEqual([]);
    expect(res.headers['cache-control']).toBe('no-store');
    const { tenant, project, admin_key } = res.json();
    expect([tenant.name, project.name, project.tenant_id, admin_key.role]).toEqual(['acme', 'default', tenant.id, 'admin']);
    const keys = await t.request(admin_key.secret, { url: '/api-keys' });
    expect(keys.statusCode).toBe(200);
    expect(keys.json().data.map((k: { id: string }) => k.id)).toEqual([admin_key.id]);
    // The new tenant's first admin key is its last one, too.
    expect((await t.request(admin_key.secret, { method: 'POST', url: `/api-keys/${admin_key.id}/revoke` })).json().code).toBe('last_admin_key');
  });

  it('answers a second create of the same name 409 tenant_exists with its id, and creates nothing', async () => {
    const before = (await asOperator(OPERATOR_TOKEN, { url: '/tenants?limit=200' })).json().data.length;
    const res = await asOperator(OPERATOR_TOKEN, { method: 'POST', url: '/tenants', payload: { name: 'acme' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'tenant_exists', tenant_id: expect.any(String) });
    expect(contract.check('POST', '/tenants', res)).toEqual([]);
    expect((await asOperator(OPERATOR_TOKEN, { url: '/tenants?limit=200' })).json().data.length).toBe(before);
  });

  it('lists tenants, newest first, as the contract says', async () => {
    await asOperator(OPERATOR_TOKEN, { method: 'POST', url: '/tenants', payload: { name: 'globex' } });
    const res = await asOperator(OPERATOR_TOKEN, { url: '/tenants?limit=2' });
    expect(res.statusCode).toBe(200);
    expect(contract.check('GET', '/tenants', res)).toEqual([]);
    expect(res.json().data.map((x: { name: string }) => x.name)).toEqual(['globex', 'acme']);
    expect(res.json().next_cursor).toEqual(expect.any(String));
  });

  it('refuses API keys (an admin one included), a wrong token, a missing Idempotency-Key and bad input', async () => {
    expect((await asOperator(t.a.adminKey, { url: '/tenants' })).statusCode).toBe(401);
    expect((await asOperator(`${OPERATOR_TOKEN}x`, { url: '/tenants' })).statusCode).toBe(401);
    const noKey = await asOperator(OPERATOR_TOKEN, { method: 'POST', url: '/tenants', payload: { name: 'initech' }, idempotent: false });
    expect(noKey.statusCode).toBe(400);
    const bad = await asOperator(OPERATOR_TOKEN, { method: 'POST', url: '/tenants', payload: { name: '', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(contract.check('POST', '/tenants', bad)).toEqual([]);
    // The operator token is not an API key either.
    expect((await t.request(OPERATOR_TOKEN, { url: '/projects' })).statusCode).toBe(401);
  });

  it('is off without FTM_OPERATOR_TOKEN: 401 saying how to turn it on', async () => {
    const res = await noToken.inject({ url: '/tenants', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('FTM_OPERATOR_TOKEN');
    expect(contract.check('GET', '/tenants', res)).toEqual([]);
  });
});

describe('ftm tenants', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a tenant with its first admin key and lists tenants', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ftm-tenants-cli-'));
    const config = loadConfig({ FTM_DATA_DIR: dataDir });
    const lines: string[] = [];
    const out = (line: string): void => void lines.push(line);
    await tenantsCommand('create', 'initech', config, createLogger({ level: 'silent' }), out);
    expect(lines[0]).toMatch(/^created tenant initech \([0-9a-f-]{36}\) with project default/);
    expect(lines[1]).toMatch(/^ {2}ftm_sk_/);
    lines.length = 0;
    await tenantsCommand('list', undefined, config, createLogger({ level: 'silent' }), out);
    expect(lines).toEqual([expect.stringMatching(/^[0-9a-f-]{36}\tinitech\t/)]);
  });
});
