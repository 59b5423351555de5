import { OPENAI_CAPABILITIES } from './catalog/openai-catalog.js';
import { TOGETHER_CAPABILITIES } from './catalog/together-catalog.js';
import { defineCapabilities, findBaseModelOffer, type CapabilityDeclaration, type ProviderCapabilities } from './provider-capabilities.js';

/**
 * The next date that matters for a model version (docs/openapi.yaml `ModelRetirement`):
 * - `model_retires`: its base model is retired, and the fine-tunes of it stop serving;
 * - `fine_tuning_ends`: its provider takes no new fine-tuning jobs (the model keeps serving until
 *   its base model retires, but it can no longer be retrained there).
 */
export interface ModelRetirement {
  /** `YYYY-MM-DD` (UTC). */
  readonly date: string;
  readonly kind: 'model_retires' | 'fine_tuning_ends';
  /** Whole days from today (UTC) to the date; 0 on the day, negative once it has passed. */
  readonly days_left: number;
  readonly note: string;
}

const DAY_MS = 86_400_000;

/**
 * Retirement facts per provider, from the catalogues FTM ships. Azure OpenAI trains OpenAI's base
 * models but has not announced OpenAI's end of fine-tuning (its capabilities in the resolver say
 * the same), so only base-model dates apply to it.
 */
const CATALOGUES: ReadonlyMap<string, ProviderCapabilities> = new Map(
  ([OPENAI_CAPABILITIES, { ...OPENAI_CAPABILITIES, provider: 'azure_openai', retirement: null, webhooks: false }, TOGETHER_CAPABILITIES] satisfies CapabilityDeclaration[]).map((d) => [
    d.provider,
    defineCapabilities(d),
  ]),
);

/** Whole UTC days from `now` to `date` (`YYYY-MM-DD`). */
export function daysUntil(date: string, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((Date.parse(`${date}T00:00:00Z`) - today) / DAY_MS);
}

/**
 * The retirement that applies to a model of `provider` on `baseModel`, or null when none is
 * announced. A base model's own retirement wins over the provider's end of fine-tuning: it is the
 * day the model stops answering.
 */
export function modelRetirement(provider: string, baseModel: string, now: Date, catalogues: ReadonlyMap<string, ProviderCapabilities> = CATALOGUES): ModelRetirement | null {
  const capabilities = catalogues.get(provider);
  if (!capabilities) return null;
  const offer = findBaseModelOffer(capabilities, baseModel);
  if (offer?.retiresOn) {
    return {
      date: offer.retiresOn,
      kind: 'model_retires',
      days_left: daysUntil(offer.retiresOn, now),
      note: `${provider} retires ${offer.id} on ${offer.retiresOn}; its fine-tunes stop serving then.`,
    };
  }
  const end = capabilities.retirement?.newJobsEndOn;
  if (!end) return null;
  return { date: end, kind: 'fine_tuning_ends', days_left: daysUntil(end, now), note: capabilities.retirement!.note };
}

/** Providers whose catalogue announces any retirement date (the watch only looks at their models). */
export function providersWithRetirements(catalogues: ReadonlyMap<string, ProviderCapabilities> = CATALOGUES): string[] {
  return [...catalogues.values()].filter((c) => c.retirement?.newJobsEndOn || c.baseModels.some((b) => b.retiresOn)).map((c) => c.provider);
}
