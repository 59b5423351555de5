import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ApprovalHooks } from './approval-hooks.js';
import type { PrismGateway } from './prism-gateway.js';

/** What the approval use cases need: the database, PRISM when configured, and the decision hooks. */
export interface ApprovalDeps {
  readonly db: Kysely<DB>;
  readonly prism: PrismGateway | null;
  readonly hooks: ApprovalHooks;
}
