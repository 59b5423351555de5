import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SECRET_VARIABLES } from '../src/config.js';

const WHSEC = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const WHSEC2 = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;

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

  it('configures the OTLP receiver: path prefix, body limit, retention', () => {
    expect(loadConfig({}).otlp).toEqual({ pathPrefix: '/otlp', maxBodyBytes: 20 * 1024 * 1024, retentionDays: 30 });
    expect(loadConfig({ FTM_OTLP_PATH_PREFIX: '/', FTM_OTLP_MAX_BODY_BYTES: '1048576', FTM_OTLP_RETENTION_DAYS: '0' }).otlp).toEqual({ pathPrefix: '/', maxBodyBytes: 1024 * 1024, retentionDays: 0 });
    expect(loadConfig({ FTM_OTLP_PATH_PREFIX: '/ingest/otel' }).otlp.pathPrefix).toBe('/ingest/otel');
    expect(fail({ FTM_OTLP_PATH_PREFIX: 'otlp/' })).toEqual(['FTM_OTLP_PATH_PREFIX: must be / or a path such as /otlp (no trailing slash)']);
    expect(fail({ FTM_OTLP_MAX_BODY_BYTES: '10' })).toEqual(['FTM_OTLP_MAX_BODY_BYTES: must be at least 65536']);
    expect(fail({ FTM_OTLP_RETENTION_DAYS: '-1' })).toEqual(['FTM_OTLP_RETENTION_DAYS: must be 0 (keep forever) or more']);
  });

  it('reads the retirement warning thresholds: 30 and 7 days by default, a list, or none', () => {
    expect(loadConfig({}).retirementWarningDays).toEqual([30, 7]);
    expect(loadConfig({ FTM_RETIREMENT_WARNING_DAYS: '7, 60,7' }).retirementWarningDays).toEqual([60, 7]);
    expect(loadConfig({ FTM_RETIREMENT_WARNING_DAYS: 'none' }).retirementWarningDays).toEqual([]);
    expect(fail({ FTM_RETIREMENT_WARNING_DAYS: 'soon' })).toEqual(['FTM_RETIREMENT_WARNING_DAYS: must be whole days before the date separated by commas (e.g. 30,7), or none']);
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
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['FTM_CORS_ORIGINS', 'FTM_DATABASE_URL', 'FTM_QUEUE_URL', 'FTM_STORAGE_URI', 'FTM_WEBHOOK_SIGNING_KEY']);
  });

  it('reads FTM_WEBHOOK_RETRY_SCHEDULE as delays with units and refuses a bad one', () => {
    expect(loadConfig({ FTM_WEBHOOK_RETRY_SCHEDULE: '0, 5s,5m,30m,2h,1d,250ms,7' }).webhookRetryScheduleMs).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 86_400_000, 250, 7_000]);
    expect(loadConfig({}).webhookRetryScheduleMs).toBeUndefined();
    for (const bad of ['soon', '5s,,5m', '-5s', '8d']) expect(fail({ FTM_WEBHOOK_RETRY_SCHEDULE: bad })).toContainEqual(expect.stringMatching(/^FTM_WEBHOOK_RETRY_SCHEDULE: /));
  });

  it('accepts the test-only crash injection in dev only', () => {
    expect(loadConfig({ FTM_TEST_CRASH_AFTER_COMMIT: 'POST /model-versions' }).testCrashAfterCommit).toBe('POST /model-versions');
    for (const env of ['stage', 'prod'])
      expect(fail({ FTM_ENV: env, FTM_TEST_CRASH_AFTER_COMMIT: 'POST /model-versions' })).toContainEqual(expect.stringMatching(/^FTM_TEST_CRASH_AFTER_COMMIT: .*refused unless FTM_ENV=dev/));
    expect(fail({ FTM_TEST_CRASH_AFTER_COMMIT: 'rm -rf /' })).toContainEqual(expect.stringMatching(/^FTM_TEST_CRASH_AFTER_COMMIT: /));
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
  });

  it('opens RabbitMQ and SQS queues, taking the type from the URL when FTM_QUEUE_TYPE is not set', () => {
    expect(loadConfig({ FTM_QUEUE_TYPE: 'rabbit', FTM_QUEUE_URL: 'amqp://ftm:pw@mq:5672/ftm' }).queue).toEqual({ type: 'rabbit', url: 'amqp://ftm:pw@mq:5672/ftm' });
    expect(loadConfig({ FTM_QUEUE_URL: 'amqps://mq.example.com' }).queue).toMatchObject({ type: 'rabbit' });
    const sqs = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ftm';
    expect(loadConfig({ FTM_QUEUE_TYPE: 'sqs', FTM_QUEUE_URL: sqs }).queue).toEqual({ type: 'sqs', url: sqs });
    expect(loadConfig({ FTM_QUEUE_URL: 'http://127.0.0.1:4566', FTM_QUEUE_PREFIX: 'ftm-stage' }).queue).toEqual({ type: 'sqs', url: 'http://127.0.0.1:4566', prefix: 'ftm-stage' });
    expect(loadConfig({ FTM_QUEUE_URL: 'redis://cache:6379', FTM_QUEUE_PREFIX: 'ftm2' }).queue).toEqual({ type: 'redis', url: 'redis://cache:6379', prefix: 'ftm2' });
  });

  it('refuses a queue URL that does not fit its type, and two different SQS prefixes', () => {
    expect(fail({ FTM_QUEUE_TYPE: 'rabbit', FTM_QUEUE_URL: 'redis://cache:6379' })).toEqual(['FTM_QUEUE_URL: must be an amqp:// or amqps:// URL when FTM_QUEUE_TYPE=rabbit']);
    expect(fail({ FTM_QUEUE_TYPE: 'sqs', FTM_QUEUE_URL: 'amqp://mq' })).toEqual([expect.stringMatching(/^FTM_QUEUE_URL: must be an SQS queue URL/)]);
    expect(fail({ FTM_QUEUE_TYPE: 'sqs', FTM_QUEUE_URL: 'https://sqs.example.com/a/b/c' })).toEqual([expect.stringMatching(/^FTM_QUEUE_URL: the path is/)]);
    expect(fail({ FTM_QUEUE_TYPE: 'sqs', FTM_QUEUE_URL: 'https://sqs.example.com/1/ftm', FTM_QUEUE_PREFIX: 'other' })).toEqual([expect.stringMatching(/^FTM_QUEUE_PREFIX:/)]);
    expect(fail({ FTM_QUEUE_PREFIX: 'no.dots' })).toEqual(['FTM_QUEUE_PREFIX: must be 1 to 40 of A-Z a-z 0-9 _ -']);
    expect(fail({ FTM_QUEUE_TYPE: 'local', FTM_QUEUE_URL: 'redis://cache:6379' })).toEqual([expect.stringMatching(/^FTM_QUEUE_URL: set, but FTM_QUEUE_TYPE=local/)]);
  });

  it('accepts redis, rabbit and sqs queues in prod', () => {
    const prod = { FTM_ENV: 'prod', FTM_DATABASE_URL: 'postgresql://db/ftm', FTM_STORAGE_URI: 's3://bucket', FTM_WEBHOOK_SIGNING_KEY: WHSEC };
    for (const url of ['redis://cache:6379', 'amqp://mq:5672', 'https://sqs.us-east-1.amazonaws.com/123456789012/ftm']) {
      expect(loadConfig({ ...prod, FTM_QUEUE_URL: url }).queue).toMatchObject({ url });
    }
    expect(fail(prod)).toEqual(['FTM_QUEUE_URL: required when FTM_ENV=prod, with FTM_QUEUE_TYPE=redis, rabbit or sqs (the local queue is for dev only)']);
  });

  it('refuses origins that are not origins', () => {
    expect(fail({ FTM_CORS_ORIGINS: 'https://app.example.com/path' })).toEqual([expect.stringMatching(/^FTM_CORS_ORIGINS:/)]);
  });

  it('reads every provider setting, trimming base URLs to one form', () => {
    const c = loadConfig({
      FTM_OPENAI_API_KEY: 'sk-test-openai',
      FTM_OPENAI_BASE_URL: 'http://127.0.0.1:18200/v1/',
      FTM_OPENAI_ORGANIZATION: 'org-abc123',
      FTM_OPENAI_PROJECT: 'proj_abc123',
      FTM_OPENAI_WEBHOOK_SECRET: `${WHSEC}, ${WHSEC2}`,
      FTM_AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com/',
      FTM_AZURE_OPENAI_API_KEY: 'azure-key-1',
      FTM_AZURE_OPENAI_API_VERSION: '2025-04-01-preview',
      FTM_TOGETHER_API_KEY: 'together-key-1',
      FTM_TOGETHER_BASE_URL: 'http://127.0.0.1:18201/v1',
    });
    expect(c.providers).toEqual({
      openai: { apiKey: 'sk-test-openai', baseUrl: 'http://127.0.0.1:18200/v1', organization: 'org-abc123', project: 'proj_abc123', webhookSecrets: [WHSEC, WHSEC2] },
      azureOpenai: { endpoint: 'https://acme.openai.azure.com', apiKey: 'azure-key-1', apiVersion: '2025-04-01-preview' },
      together: { apiKey: 'together-key-1', baseUrl: 'http://127.0.0.1:18201/v1' },
    });
    expect(loadConfig({}).providers).toEqual({ openai: { webhookSecrets: [] }, azureOpenai: null, together: {} });
  });

  it('names each bad provider value on its own line, never echoing it', () => {
    const problems = fail({
      FTM_OPENAI_API_KEY: 'Bearer sk-leaked-value',
      FTM_OPENAI_BASE_URL: 'ftp://files.example.com',
      FTM_OPENAI_ORGANIZATION: 'proj_swapped',
      FTM_OPENAI_PROJECT: 'org-swapped',
      FTM_OPENAI_WEBHOOK_SECRET: 'not-a-whsec-leaked',
      FTM_AZURE_OPENAI_ENDPOINT: 'acme.openai.azure.com',
      FTM_AZURE_OPENAI_API_VERSION: 'yesterday',
      FTM_TOGETHER_BASE_URL: 'together',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'FTM_AZURE_OPENAI_API_VERSION',
      'FTM_AZURE_OPENAI_ENDPOINT',
      'FTM_OPENAI_API_KEY',
      'FTM_OPENAI_BASE_URL',
      'FTM_OPENAI_ORGANIZATION',
      'FTM_OPENAI_PROJECT',
      'FTM_TOGETHER_BASE_URL',
    ]);
    expect(problems.join('\n')).not.toMatch(/leaked|swapped|yesterday/);
    expect(fail({ FTM_OPENAI_WEBHOOK_SECRET: 'whsec_short' })).toEqual([expect.stringMatching(/^FTM_OPENAI_WEBHOOK_SECRET: must be the whsec_ secret/)]);
  });

  it('needs the Azure endpoint with its key or version, and the version with the endpoint', () => {
    expect(fail({ FTM_AZURE_OPENAI_API_KEY: 'azure-key-1' })).toEqual(['FTM_AZURE_OPENAI_ENDPOINT: required when FTM_AZURE_OPENAI_API_KEY is set']);
    expect(fail({ FTM_AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com' })).toEqual([expect.stringMatching(/^FTM_AZURE_OPENAI_API_VERSION: required when FTM_AZURE_OPENAI_ENDPOINT is set/)]);
    // Without a server key the endpoint is still registered: tenants bring their own credential.
    expect(loadConfig({ FTM_AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com', FTM_AZURE_OPENAI_API_VERSION: 'v1' }).providers.azureOpenai).toEqual({
      endpoint: 'https://acme.openai.azure.com',
      apiVersion: 'v1',
    });
  });

  it('takes a 32-byte secrets key (and earlier ones during a rotation) and refuses anything else', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const old = Buffer.alloc(32, 9).toString('hex');
    expect(loadConfig({ FTM_SECRETS_KEY: key, FTM_SECRETS_PREVIOUS_KEYS: old }).secrets).toEqual({ key, previousKeys: [old] });
    expect(loadConfig({}).secrets).toEqual({ previousKeys: [] });
    expect(fail({ FTM_SECRETS_KEY: 'too-short-secret' })).toEqual([expect.stringMatching(/^FTM_SECRETS_KEY: must be 32 random bytes/)]);
    expect(fail({ FTM_SECRETS_KEY: key, FTM_SECRETS_PREVIOUS_KEYS: 'nope' })).toEqual([expect.stringMatching(/^FTM_SECRETS_PREVIOUS_KEYS:/)]);
    expect(fail({ FTM_SECRETS_PREVIOUS_KEYS: old })).toEqual([expect.stringMatching(/^FTM_SECRETS_KEY: required when FTM_SECRETS_PREVIOUS_KEYS is set/)]);
    expect(fail({ FTM_SECRETS_KEY: 'too-short-secret' }).join('')).not.toContain('too-short-secret');
  });

  it('lists every secret variable the schema reads, and only those', () => {
    for (const name of SECRET_VARIABLES) expect(name).toMatch(/^FTM_[A-Z_]+$/);
    expect(SECRET_VARIABLES).toEqual(expect.arrayContaining(['FTM_OPENAI_API_KEY', 'FTM_OPENAI_WEBHOOK_SECRET', 'FTM_AZURE_OPENAI_API_KEY', 'FTM_TOGETHER_API_KEY', 'FTM_SECRETS_KEY']));
  });
});
