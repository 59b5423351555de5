import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const fail = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('runs on the embedded defaults with nothing set', () => {
    const c = loadConfig({ FTM_DATA_DIR: '/tmp/ftm-x' });
    expect(c).toMatchObject({
      env: 'dev',
      port: 8080,
      database: { kind: 'pglite', dataDir: '/tmp/ftm-x/db' },
      storage: { uri: 'file:/tmp/ftm-x/blobs' },
      queue: { type: 'local' },
      corsOrigins: [],
      authCacheTtlMs: 30_000,
      bodyLimitBytes: 1024 * 1024,
      workerConcurrency: 24,
      datasetDedupMemoryBytes: 512 * 1024 * 1024,
    });
    expect(loadConfig({ FTM_DATASET_DEDUP_MEMORY_MB: '200' }).datasetDedupMemoryBytes).toBe(200 * 1024 * 1024);
    expect(fail({ FTM_DATASET_DEDUP_MEMORY_MB: '8' })).toEqual(['FTM_DATASET_DEDUP_MEMORY_MB: must be at least 16']);
    expect(fail({ FTM_DATASET_DEDUP_MEMORY_MB: '1.5' })).toEqual(['FTM_DATASET_DEDUP_MEMORY_MB: must be a whole number of MB']);
    expect(loadConfig({ FTM_WORKER_CONCURRENCY: '64' }).workerConcurrency).toBe(64);
    expect(fail({ FTM_WORKER_CONCURRENCY: '0' })).toEqual(['FTM_WORKER_CONCURRENCY: must be at least 1']);
  });

  it('uses PostgreSQL, Redis and S3 when configured', () => {
    const c = loadConfig({
      FTM_DATABASE_URL: 'postgres://u:p@db:5432/ftm',
      FTM_QUEUE_URL: 'redis://cache:6379',
      FTM_QUEUE_TYPE: 'redis',
      FTM_STORAGE_URI: 's3://bucket/ftm',
      FTM_STORAGE_ENDPOINT: 'http://minio:9000',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/ftm' });
    expect(c.queue).toEqual({ type: 'redis', url: 'redis://cache:6379' });
    expect(c.storage).toEqual({ uri: 's3://bucket/ftm', endpoint: 'http://minio:9000' });
  });

  it('names every bad variable on its own line without echoing values', () => {
    const problems = fail({ FTM_PORT: 'eighty', FTM_ENV: 'production', FTM_DATABASE_URL: 'mysql://secret-pw@db', FTM_LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['FTM_DATABASE_URL', 'FTM_ENV', 'FTM_LOG_LEVEL', 'FTM_PORT']);
    expect(problems.join('\n')).not.toContain('secret-pw');
  });

  it('refuses embedded defaults, a missing signing key and wildcard CORS in prod, listing each', () => {
    const problems = fail({ FTM_ENV: 'prod', FTM_CORS_ORIGINS: '*' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'FTM_CORS_ORIGINS',
      'FTM_DATABASE_URL',
      'FTM_QUEUE_URL',
      'FTM_STORAGE_URI',
      'FTM_WEBHOOK_SIGNING_KEY',
    ]);
  });

  it('refuses file storage in prod and accepts a complete prod setup', () => {
    const prod = {
      FTM_ENV: 'prod',
      FTM_DATABASE_URL: 'postgresql://db/ftm',
      FTM_QUEUE_URL: 'redis://cache:6379',
      FTM_STORAGE_URI: 's3://bucket',
      FTM_WEBHOOK_SIGNING_KEY: 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
      FTM_CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
    };
    expect(fail({ ...prod, FTM_STORAGE_URI: 'file:///var/ftm' })).toEqual([expect.stringMatching(/^FTM_STORAGE_URI: file: storage is for dev only/)]);
    expect(loadConfig(prod).corsOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });

  it('requires the Orchestrator credential with its URL, and a queue URL for redis', () => {
    expect(fail({ FTM_ORCHESTRATOR_URL: 'https://orch.example.com' })).toEqual([expect.stringMatching(/^FTM_ORCHESTRATOR_API_KEY:/)]);
    for (const name of ['FTM_TRISM_URL', 'FTM_PRISM_URL', 'FTM_VECTOR_URL']) {
      expect(fail({ [name]: 'https://svc.example.com' })).toEqual([`FTM_ORCHESTRATOR_API_KEY: required when ${name} is set`]);
    }
    const withKey = loadConfig({ FTM_PRISM_URL: 'https://prism.example.com', FTM_ORCHESTRATOR_API_KEY: 'orch-key' });
    expect(withKey).toMatchObject({ prismUrl: 'https://prism.example.com', integrationApiKey: 'orch-key' });
    expect(withKey.orchestrator).toBeUndefined();
    expect(fail({ FTM_QUEUE_TYPE: 'redis' })).toEqual([expect.stringMatching(/^FTM_QUEUE_URL:/)]);
    expect(fail({ FTM_QUEUE_TYPE: 'sqs', FTM_QUEUE_URL: 'https://sqs.example.com/q' })).toEqual([expect.stringMatching(/^FTM_QUEUE_TYPE:/)]);
  });

  it('refuses origins that are not origins', () => {
    expect(fail({ FTM_CORS_ORIGINS: 'https://app.example.com/path' })).toEqual([expect.stringMatching(/^FTM_CORS_ORIGINS:/)]);
  });
});
