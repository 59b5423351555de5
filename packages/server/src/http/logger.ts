import { pino, type Logger, type LoggerOptions } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'key_hash',
  '*.key_hash',
  'password',
  '*.password',
  'token',
  '*.token',
  'webhookSigningKey',
  '*.webhookSigningKey',
  'webhookSecrets',
  '*.webhookSecrets',
  // FtmConfig.secrets: the key that seals stored credentials
  'secrets.key',
  'secrets.previousKeys',
  '*.secrets.key',
  '*.secrets.previousKeys',
];

/** The process logger: JSON lines, secrets redacted. */
export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: options.name ?? 'ftm' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
