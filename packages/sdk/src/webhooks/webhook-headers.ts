/** Request headers as Fetch (`Headers`) or Node (`IncomingHttpHeaders`) hand them over. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The three values a signature check needs. */
export interface SignatureHeaders {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

/** Reads `webhook-id/-timestamp/-signature`, falling back to the `X-FTM-*` names. */
export function readSignatureHeaders(headers: WebhookHeaders): SignatureHeaders {
  const get = headerGetter(headers);
  return {
    id: get('webhook-id') ?? get('x-ftm-delivery'),
    timestamp: get('webhook-timestamp') ?? get('x-ftm-timestamp'),
    signature: get('webhook-signature') ?? get('x-ftm-signature'),
  };
}

function headerGetter(headers: WebhookHeaders): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (name) => (headers as Headers).get(name) ?? undefined;
  }
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (value === undefined) continue;
    lower.set(key.toLowerCase(), typeof value === 'string' ? value : value.join(' '));
  }
  return (name) => lower.get(name);
}
