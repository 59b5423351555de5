#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DomainError, ValidationError } from '@ftm/core';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './http/logger.js';
import { serve } from './commands/serve.js';
import { keysCommand, migrateCommand, queueReplayCommand, tenantsCommand, secretsCommand } from './commands/admin.js';

const USAGE = `usage: ftm <command>

  start                      API + worker in one process (embedded defaults unless configured)
  api                        the HTTP API only
  worker                     the queue worker and outbox relay only (FTM_WORKER_METRICS_PORT: its /metrics)
  migrate                    apply pending database migrations
  keys create [--tenant T] [--project P] [--role admin|member] [--name N]
  keys list [--tenant T]
  keys revoke <id> [--tenant T]
  tenants create <name>      a tenant, its default project and first admin key (printed once)
  tenants list
  queue-replay --since <time>  put dead-lettered jobs back on the queue
  secrets reseal             after rotating FTM_SECRETS_KEY, reseal stored credentials under the new key

Configuration comes from FTM_* environment variables (see docs/operations.md).`;

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      project: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      since: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return;
  }
  const config = loadConfig(process.env);
  const interactive = command !== 'start' && command !== 'api' && command !== 'worker';
  // One-shot commands log only problems, so their output stays readable.
  const logger = createLogger({ level: interactive ? 'warn' : config.logLevel, name: `ftm-${command}` });
  switch (command) {
    case 'start':
    case 'api':
    case 'worker':
      return serve(command, config, logger, out);
    case 'migrate':
      return migrateCommand(config, out);
    case 'keys':
      return keysCommand(sub, { ...values, ...(arg ? { id: arg } : {}) }, config, logger, out);
    case 'tenants':
      return tenantsCommand(sub, arg, config, logger, out);
    case 'queue-replay':
      return queueReplayCommand(values.since, config, logger, out);
    case 'secrets':
      return secretsCommand(sub, config, logger, out);
    default:
      throw new ValidationError(`unknown command ${command}`, [{ path: 'command', message: USAGE }]);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof ValidationError) {
    process.stderr.write(`ftm: ${error.message}${error.fieldErrors.map((f) => `\n  ${f.path}: ${f.message}`).join('')}\n`);
  } else if (error instanceof DomainError) {
    process.stderr.write(`ftm: ${error.message}\n`);
  } else {
    process.stderr.write(`ftm: ${(error as Error).message ?? String(error)}\n`);
  }
  process.exit(error instanceof ConfigError || error instanceof ValidationError ? 2 : 1);
});
