import { z } from 'zod';

/**
 * The model providers as the environment configures them. A provider whose API key is not set can
 * still be used by tenants that store their own credential (`PUT /providers/{name}/credentials`);
 * Azure OpenAI needs its endpoint for that, since endpoints are server settings, never tenant input.
 */
export interface ProviderSettings {
  readonly openai: {
    readonly apiKey?: string;
    /** `https://api.openai.com/v1` when unset; any OpenAI-compatible `/v1` base otherwise. */
    readonly baseUrl?: string;
    readonly organization?: string;
    readonly project?: string;
    /** `whsec_…` secrets of `POST /provider-webhooks/openai` (several during a rotation); empty: the route answers 404. */
    readonly webhookSecrets: readonly string[];
  };
  /** Null unless FTM_AZURE_OPENAI_ENDPOINT is set. */
  readonly azureOpenai: { readonly endpoint: string; readonly apiKey?: string; readonly apiVersion: string } | null;
  readonly together: {
    readonly apiKey?: string;
    /** `https://api.together.ai/v1` when unset. */
    readonly baseUrl?: string;
  };
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const apiKey = z.string().regex(/^\S+$/, 'must be the API key alone (no spaces, no "Bearer")');
// whsec_ + base64 of 24..64 bytes, as OpenAI shows it for a webhook endpoint.
const WHSEC_RE = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** The provider variables, parsed with the rest of the environment (see loadConfig). */
export const ProviderEnvSchema = {
  FTM_OPENAI_API_KEY: optional(apiKey),
  FTM_OPENAI_BASE_URL: optional(httpUrl),
  FTM_OPENAI_ORGANIZATION: optional(z.string().regex(/^org-[A-Za-z0-9]+$/, 'must be an OpenAI organization id (org-…)')),
  FTM_OPENAI_PROJECT: optional(z.string().regex(/^proj_[A-Za-z0-9]+$/, 'must be an OpenAI project id (proj_…)')),
  FTM_OPENAI_WEBHOOK_SECRET: optional(z.string()),
  FTM_AZURE_OPENAI_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: 'must be the https URL of an Azure OpenAI resource (https://<resource>.openai.azure.com)' })),
  FTM_AZURE_OPENAI_API_KEY: optional(apiKey),
  FTM_AZURE_OPENAI_API_VERSION: optional(z.string().regex(/^(\d{4}-\d{2}-\d{2}(-preview)?|v1|preview|latest)$/, 'must be an Azure OpenAI api-version such as 2025-04-01-preview')),
  FTM_TOGETHER_API_KEY: optional(apiKey),
  FTM_TOGETHER_BASE_URL: optional(httpUrl),
};

type ProviderEnv = { [K in keyof typeof ProviderEnvSchema]?: z.infer<(typeof ProviderEnvSchema)[K]> };

const commaList = (raw: string | undefined): string[] =>
  raw
    ? raw
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : [];
/** A base URL without its trailing slash, so paths join one way. */
const base = (url: string): string => url.replace(/\/+$/, '');

/** Cross-variable rules of the provider settings; each problem is one line naming its variable. */
export function parseProviderSettings(e: ProviderEnv, problems: string[]): ProviderSettings {
  const webhookSecrets = commaList(e.FTM_OPENAI_WEBHOOK_SECRET);
  if (webhookSecrets.some((s) => !WHSEC_RE.test(s))) {
    problems.push('FTM_OPENAI_WEBHOOK_SECRET: must be the whsec_ secret OpenAI shows for the webhook endpoint (several separated by commas during a rotation)');
  }
  if (!e.FTM_AZURE_OPENAI_ENDPOINT) {
    for (const name of ['FTM_AZURE_OPENAI_API_KEY', 'FTM_AZURE_OPENAI_API_VERSION'] as const) {
      if (e[name]) problems.push(`FTM_AZURE_OPENAI_ENDPOINT: required when ${name} is set`);
    }
  } else if (!e.FTM_AZURE_OPENAI_API_VERSION) {
    problems.push('FTM_AZURE_OPENAI_API_VERSION: required when FTM_AZURE_OPENAI_ENDPOINT is set (e.g. 2025-04-01-preview)');
  }
  return {
    openai: {
      ...(e.FTM_OPENAI_API_KEY ? { apiKey: e.FTM_OPENAI_API_KEY } : {}),
      ...(e.FTM_OPENAI_BASE_URL ? { baseUrl: base(e.FTM_OPENAI_BASE_URL) } : {}),
      ...(e.FTM_OPENAI_ORGANIZATION ? { organization: e.FTM_OPENAI_ORGANIZATION } : {}),
      ...(e.FTM_OPENAI_PROJECT ? { project: e.FTM_OPENAI_PROJECT } : {}),
      webhookSecrets,
    },
    azureOpenai:
      e.FTM_AZURE_OPENAI_ENDPOINT && e.FTM_AZURE_OPENAI_API_VERSION
        ? { endpoint: base(e.FTM_AZURE_OPENAI_ENDPOINT), apiVersion: e.FTM_AZURE_OPENAI_API_VERSION, ...(e.FTM_AZURE_OPENAI_API_KEY ? { apiKey: e.FTM_AZURE_OPENAI_API_KEY } : {}) }
        : null,
    together: {
      ...(e.FTM_TOGETHER_API_KEY ? { apiKey: e.FTM_TOGETHER_API_KEY } : {}),
      ...(e.FTM_TOGETHER_BASE_URL ? { baseUrl: base(e.FTM_TOGETHER_BASE_URL) } : {}),
    },
  };
}
