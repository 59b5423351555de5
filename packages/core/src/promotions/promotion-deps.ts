import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import type { PrismGateway } from '../approvals/prism-gateway.js';
import type { PointerChangeBus } from '../pointers/pointer-change-bus.js';

/** What promotions, rollbacks and overrides need. */
export interface PromotionDeps {
  readonly db: Kysely<DB>;
  readonly governance: GovernanceEngine;
  /** The TRiSM gate for notes (RemoteTrismSanitizer when configured, else BuiltinSanitizer). */
  readonly sanitizer: Sanitizer;
  /** Remote PRISM when configured; null for the local approvals flow. */
  readonly prism: PrismGateway | null;
  /** Tells every API process that a pointer moved. */
  readonly bus: PointerChangeBus;
}
