import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Queue } from '../ports/queue.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { uuidv7Generator, type IdGenerator } from '../shared/ids.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { DestinationPolicy } from './destination-policy.js';
import { systemResolver, type HostResolver } from './resolve-destination.js';
import { cachingResolver } from './caching-resolver.js';
import { NodeWebhookSender, type WebhookSender } from './webhook-sender.js';
import { resolveWebhookSettings, type WebhookSettings, type WebhookSettingsInput } from './webhook-settings.js';
import type { AttemptResult } from './attempt-result.js';
import { AttemptOutcomeWriter } from './attempt-outcome-writer.js';

/** Everything the webhook use cases need, built once per process. */
export interface WebhookDeps {
  readonly db: Kysely<DB>;
  readonly queue: Queue;
  readonly settings: WebhookSettings & { readonly staleAfterMs: number };
  readonly policy: DestinationPolicy;
  readonly resolver: HostResolver;
  readonly sender: WebhookSender;
  /** Group-commits the common attempt outcomes of this process. */
  readonly outcomeWriter: AttemptOutcomeWriter;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Source of jitter; injectable for deterministic tests. */
  readonly random: () => number;
  /** Told what became of every recorded attempt (e.g. to count outcomes in metrics). */
  readonly onAttemptResult?: (result: AttemptResult) => void;
}

/** Options of {@link createWebhookDeps}. */
export interface CreateWebhookDepsOptions {
  readonly db: Kysely<DB>;
  readonly queue: Queue;
  readonly settings?: WebhookSettingsInput;
  readonly resolver?: HostResolver;
  readonly sender?: WebhookSender;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly random?: () => number;
  readonly onAttemptResult?: (result: AttemptResult) => void;
}

/** Validates the settings (signing keys, allowlist) and fills in the defaults. */
export function createWebhookDeps(options: CreateWebhookDepsOptions): WebhookDeps {
  const settings = resolveWebhookSettings(options.settings);
  const logger = options.logger ?? silentLogger;
  return {
    db: options.db,
    queue: options.queue,
    settings,
    policy: new DestinationPolicy({ allowAll: settings.allowPrivateDestinations, allowlist: settings.destinationAllowlist }),
    // An injected resolver is used as given (tests change DNS answers between attempts).
    resolver: options.resolver ?? cachingResolver(systemResolver, { ttlMs: settings.dnsCacheMs }),
    sender: options.sender ?? new NodeWebhookSender({ maxSockets: settings.maxConnectionsPerDestination }),
    outcomeWriter: new AttemptOutcomeWriter(options.db, { logger }),
    clock: options.clock ?? systemClock,
    ids: options.ids ?? uuidv7Generator,
    logger,
    random: options.random ?? Math.random,
    ...(options.onAttemptResult ? { onAttemptResult: options.onAttemptResult } : {}),
  };
}
