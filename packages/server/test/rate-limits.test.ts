import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logger.js';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../src/http/rate-limits.js';
import { ContractValidator } from './support/contract-validator.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

const contract = new ContractValidator();
const REDIS_URL = 'redis://127.0.0.1:6379';
const limits = (over: Partial<RateLimitSettings>): RateLimitSettings => ({ ...DEFAULT_RATE_LIMITS, windowMs: 60_000, ...over });
const from = (address: string) => ({ remoteAddress: address });

// One database and one set of keys for the file; each case builds its own API instance over it,
// with its own limits (a process-local limiter starts empty).
let base: TestApp;
const opened: FastifyInstance[] = [];
beforeAll(async () => {
  base = await createTestApp();
});
afterAll(async () => {
  for (const app of opened) await app.close();
  await base?.close();
});

/** An API instance over the file's database with these limits; `request` as the test app's. */
async function limitedApp(rateLimit: RateLimitSettings, trustProxy: boolean | number = false): Promise<TestApp> {
  const app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024, rateLimit, trustProxy }, ftm: base.ftm, logger: createLogger({ level: 'silent' }) });
  opened.push(app);
  return {
    ...base,
    app,
    request: (key, o) => app.inject({ ...o, headers: { ...(o.headers as Record<string, string> | undefined), ...(key ? { authorization: `Bearer ${key}` } : {}) } }),
  };
}

describe('rate limits per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await limitedApp(limits({ perKey: 3, resolvePerKey: 5 }));
  });

  it('answers 429 problem+json with Retry-After and the IETF RateLimit fields past the limit of a key', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i += 1) {
      last = await t.request(t.a.memberKey, { url: '/projects' });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(last!.json()).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too many requests' });
    const retryAfter = Number(last!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last!.headers['ratelimit-policy']).toBe('"key";q=3;w=60');
    expect(last!.headers.ratelimit).toMatch(/^"key";r=0;t=\d+$/);
    expect(contract.check('GET', '/projects', last!)).toEqual([]);
  });

  it('tells a client within its limit how much is left', async () => {
    const res = await t.request(t.b.memberKey, { url: '/projects' });
    expect(res.statusCode).toBe(200);
    expect([res.headers['ratelimit-policy'], res.headers.ratelimit]).toEqual(['"key";q=3;w=60', expect.stringMatching(/^"key";r=2;t=\d+$/)]);
  });

  it('counts each key on its own: another key of the same tenant is not limited', async () => {
    expect((await t.request(t.a.memberKey, { url: '/projects' })).statusCode).toBe(429);
    expect((await t.request(t.a.adminKey, { url: '/projects' })).statusCode).toBe(200);
  });

  it('gives the resolve hot path its own, higher limit, counted apart from the other routes', async () => {
    const url = '/production-pointers/resolve?assistant=rate-limit-bot';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await t.request(t.a.memberKey, { url })).statusCode);
    // Nothing is promoted: a resolve finds no pointer (404) until the limit, then 429.
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const limited = await t.request(t.a.memberKey, { url });
    expect(limited.headers['ratelimit-policy']).toBe('"resolve";q=5;w=60');
    expect(contract.check('GET', '/production-pointers/resolve', limited)).toEqual([]);
  });
});

describe('rate limits on failed authentication per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await limitedApp(limits({ authFailuresPerAddress: 3 }));
  });

  it('answers 401 up to the budget, then 429 for any unknown or missing key from that address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await t.request(`ftm_sk_guess${i}${randomBytes(16).toString('hex')}`, { url: '/projects', ...from('10.1.1.1') })).statusCode);
    statuses.push((await t.request(`ftm_sk_guess${randomBytes(16).toString('hex')}`, { url: '/projects', ...from('10.1.1.1') })).statusCode);
    statuses.push((await t.request(null, { url: '/projects', ...from('10.1.1.1') })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await t.request('ftm_sk_another_guess', { url: '/projects', ...from('10.1.1.1') });
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.headers['ratelimit-policy']).toBe('"auth-failures";q=3;w=60');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('still serves a key already proven valid from that address, and other addresses', async () => {
    // The member key was authenticated before (seeding does not warm the cache): warm it from elsewhere.
    expect((await t.request(t.a.memberKey, { url: '/projects', ...from('10.9.9.9') })).statusCode).toBe(200);
    expect((await t.request(t.a.memberKey, { url: '/projects', ...from('10.1.1.1') })).statusCode).toBe(200);
    expect((await t.request('ftm_sk_wrong', { url: '/projects', ...from('10.2.2.2') })).statusCode).toBe(401);
  });

  it('refuses a key not yet looked up from a blocked address, without looking it up', async () => {
    expect((await t.request(t.b.adminKey, { url: '/projects', ...from('10.1.1.1') })).statusCode).toBe(429);
  });
});

describe('client addresses behind a load balancer (FTM_TRUST_PROXY)', () => {
  it('counts failed authentications per forwarded client address when the proxy is trusted', async () => {
    const t = await limitedApp(limits({ authFailuresPerAddress: 1 }), 1);
    const viaProxy = (client: string) => t.request('ftm_sk_wrong_key', { url: '/projects', ...from('10.0.0.2'), headers: { 'x-forwarded-for': client } });
    expect([(await viaProxy('203.0.113.7')).statusCode, (await viaProxy('203.0.113.7')).statusCode, (await viaProxy('198.51.100.9')).statusCode]).toEqual([401, 429, 401]);
  });
});

describe('rate limits shared through Redis', () => {
  const prefix = `ftm-test:rate-limit:${randomBytes(6).toString('hex')}:`;
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts a key across two API instances on the same Redis', async () => {
    const rateLimit = limits({ perKey: 4, redis: { url: REDIS_URL, prefix } });
    const [one, two] = [await limitedApp(rateLimit), await limitedApp(rateLimit)];
    const statuses = [];
    for (const t of [one, two, one, two, one, two]) statuses.push((await t.request(base.a.memberKey, { url: '/projects' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('lets requests through when Redis does not answer, rather than failing them', async () => {
    const down = await limitedApp(limits({ perKey: 1, redis: { url: 'redis://127.0.0.1:1', prefix } }));
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await down.request(base.b.memberKey, { url: '/projects' })).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
  });
});

describe('FTM_RATE_LIMIT_* settings', () => {
  it('are on by default, with the documented limits, and shared through Redis when the queue is Redis', () => {
    expect(loadConfig({}).rateLimit).toEqual({ enabled: true, windowMs: 60_000, perKey: 3_000, resolvePerKey: 60_000, authFailuresPerAddress: 30 });
    expect(loadConfig({ FTM_QUEUE_URL: 'redis://cache:6379' }).rateLimit.redis).toEqual({ url: 'redis://cache:6379' });
    expect(
      loadConfig({ FTM_RATE_LIMIT_ENABLED: 'false', FTM_RATE_LIMIT_WINDOW_SECONDS: '10', FTM_RATE_LIMIT_PER_KEY: '50', FTM_RATE_LIMIT_RESOLVE_PER_KEY: '500', FTM_RATE_LIMIT_AUTH_FAILURES: '5' })
        .rateLimit,
    ).toEqual({ enabled: false, windowMs: 10_000, perKey: 50, resolvePerKey: 500, authFailuresPerAddress: 5 });
    expect([loadConfig({}).trustProxy, loadConfig({ FTM_TRUST_PROXY: 'true' }).trustProxy, loadConfig({ FTM_TRUST_PROXY: '2' }).trustProxy]).toEqual([false, true, 2]);
    expect(loadConfig({ FTM_TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(() => loadConfig({ FTM_RATE_LIMIT_PER_KEY: 'lots' })).toThrow(/FTM_RATE_LIMIT_PER_KEY: must be a whole number of requests/);
    expect(() => loadConfig({ FTM_TRUST_PROXY: 'everyone' })).toThrow(/FTM_TRUST_PROXY: must be true, false/);
  });
});
