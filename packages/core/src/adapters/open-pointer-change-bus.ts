import type { Logger } from '../shared/logger.js';
import type { PointerChangeBus } from '../pointers/pointer-change-bus.js';
import { InProcessPointerChangeBus } from './local/in-process-pointer-change-bus.js';
import { PgNotifyPointerChangeBus } from './postgres/pg-notify-pointer-change-bus.js';
import { RedisPointerChangeBus } from './redis/redis-pointer-change-bus.js';

/** Which bus carries pointer changes between API processes. */
export type PointerChangeBusConfig =
  { readonly type: 'in_process' } | { readonly type: 'postgres'; readonly url: string } | { readonly type: 'redis'; readonly url: string; readonly channelPrefix?: string };

/**
 * The bus for a deployment: Redis pub/sub when the queue is Redis, PostgreSQL LISTEN/NOTIFY on a
 * shared PostgreSQL, in-process for the embedded PGlite (one process).
 */
export function openPointerChangeBus(config: PointerChangeBusConfig, logger?: Logger): PointerChangeBus {
  switch (config.type) {
    case 'in_process':
      return new InProcessPointerChangeBus();
    case 'postgres':
      return new PgNotifyPointerChangeBus({ connectionString: config.url, ...(logger ? { logger } : {}) });
    case 'redis':
      return new RedisPointerChangeBus({ url: config.url, ...(config.channelPrefix ? { channelPrefix: config.channelPrefix } : {}), ...(logger ? { logger } : {}) });
  }
}
