import { z } from 'zod';
import { DependencyUnavailableError } from '../../shared/errors.js';
import { HttpClient, type HttpClientOptions } from '../../shared/http-client.js';
import type { SanitizedItem, SanitizeItem, SanitizePolicy, Sanitizer, ScanResult } from '../../sanitization/sanitizer.js';

const FindingBody = z.object({ type: z.string().min(1), count: z.number().int().nonnegative() });

/** `POST /v1/sanitize` answer, as docs/integrations.md defines it. */
export const TrismSanitizeResponse = z.object({
  items: z.array(z.object({ id: z.string(), text: z.string(), findings: z.array(FindingBody) })),
});
export type TrismSanitizeResponse = z.infer<typeof TrismSanitizeResponse>;

/** `POST /v1/scan` answer. */
export const TrismScanResponse = z.object({
  safe: z.boolean(),
  findings: z.array(FindingBody),
  risk_score: z.number().min(0).max(1),
});
export type TrismScanResponse = z.infer<typeof TrismScanResponse>;

export interface RemoteTrismSanitizerOptions {
  /** FTM_TRISM_URL. */
  readonly baseUrl: string;
  /** FTM_ORCHESTRATOR_API_KEY, sent as a Bearer token. */
  readonly apiKey: string;
  /** Items per `/v1/sanitize` call; default 100. */
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly retry?: HttpClientOptions['retry'];
  readonly breaker?: HttpClientOptions['breaker'];
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The customer's TRiSM service behind the Sanitizer port: batched calls through HttpClient. */
export class RemoteTrismSanitizer implements Sanitizer {
  readonly name = 'trism';
  readonly #http: HttpClient;
  readonly #batchSize: number;

  constructor(options: RemoteTrismSanitizerOptions) {
    this.#batchSize = Math.max(1, options.batchSize ?? 100);
    this.#http = new HttpClient({
      name: 'trism',
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.apiKey}` },
      timeoutMs: options.timeoutMs ?? 15_000,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  async sanitize(items: readonly SanitizeItem[], policy: SanitizePolicy): Promise<readonly SanitizedItem[]> {
    const out: SanitizedItem[] = [];
    for (let i = 0; i < items.length; i += this.#batchSize) {
      const batch = items.slice(i, i + this.#batchSize);
      const res = await this.#http.request({ method: 'POST', path: '/v1/sanitize', body: { items: batch, policy } });
      const parsed = TrismSanitizeResponse.safeParse(res.body);
      if (!parsed.success) throw new DependencyUnavailableError('trism', 'trism answered /v1/sanitize with an unexpected body');
      const byId = new Map(parsed.data.items.map((item) => [item.id, item]));
      for (const sent of batch) {
        const got = byId.get(sent.id);
        // A missing item would let unsanitized text through; refuse the whole batch instead.
        if (!got) throw new DependencyUnavailableError('trism', 'trism left items out of its /v1/sanitize answer');
        out.push({ id: sent.id, text: got.text, findings: got.findings.filter((f) => f.count > 0) });
      }
    }
    return out;
  }

  async scan(text: string): Promise<ScanResult> {
    const res = await this.#http.request({ method: 'POST', path: '/v1/scan', body: { text } });
    const parsed = TrismScanResponse.safeParse(res.body);
    if (!parsed.success) throw new DependencyUnavailableError('trism', 'trism answered /v1/scan with an unexpected body');
    return parsed.data;
  }
}
