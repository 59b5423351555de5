/**
 * examples/self-host: the FTM environment each compose file gives the API (base file, and the
 * RabbitMQ and SQS override files) is accepted by the config parser with FTM_ENV=prod. No Docker
 * engine runs here, so this is what is checked of the compose files.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config.js';

const dir = join(resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..'), 'examples/self-host');

type Compose = { services: Record<string, { environment?: Record<string, string> }> };
const compose = (file: string): Compose => parse(readFileSync(join(dir, file), 'utf8'), { merge: true }) as Compose;

/** .env.example, with the secrets a user is told to generate filled in. */
function dotEnv(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(join(dir, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return { ...values, FTM_WEBHOOK_SIGNING_KEY: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
}

/** Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} against `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    const set = vars[name];
    if (set !== undefined && set !== '') return set;
    if (op === '?') throw new Error(`compose would stop: ${arg}`);
    return op === '-' ? arg : '';
  });
}

function apiEnvironment(...files: string[]): Record<string, string> {
  return serviceEnvironment('ftm-api', ...files);
}

function serviceEnvironment(service: string, ...files: string[]): Record<string, string> {
  const vars = dotEnv();
  const merged: Record<string, string> = {};
  for (const file of files) Object.assign(merged, compose(file).services[service]?.environment ?? {});
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, interpolate(String(v), vars)]));
}

describe('examples/self-host compose files', () => {
  it('configure a prod FTM on Redis', () => {
    expect(loadConfig(apiEnvironment('compose.yaml')).queue).toEqual({ type: 'redis', url: 'redis://redis:6379' });
  });

  it('give the worker its metrics port and every process the scrape token Prometheus reads', () => {
    const worker = loadConfig(serviceEnvironment('ftm-worker', 'compose.yaml'));
    expect(worker).toMatchObject({ env: 'prod', workerMetricsPort: 9464, metricsToken: dotEnv().FTM_METRICS_TOKEN });
    expect(loadConfig(apiEnvironment('compose.yaml')).metricsToken).toBe(dotEnv().FTM_METRICS_TOKEN);
    const file = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8'), { merge: true }) as { secrets: Record<string, { environment?: string }> };
    expect(file.secrets['ftm-metrics-token']).toEqual({ environment: 'FTM_METRICS_TOKEN' });
  });

  it('configure a prod FTM on RabbitMQ with compose.rabbitmq.yaml', () => {
    const config = loadConfig(apiEnvironment('compose.yaml', 'compose.rabbitmq.yaml'));
    expect(config).toMatchObject({ env: 'prod', queue: { type: 'rabbit', url: 'amqp://ftm:change-me-rabbitmq@rabbitmq:5672' } });
  });

  it('configure a prod FTM on SQS with compose.sqs.yaml', () => {
    expect(loadConfig(apiEnvironment('compose.yaml', 'compose.sqs.yaml'))).toMatchObject({ env: 'prod', queue: { type: 'sqs', url: 'http://sqs:4566' } });
  });
});
