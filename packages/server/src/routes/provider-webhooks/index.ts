import type { FastifyInstance } from 'fastify';
import { ValidationError, type Ftm } from '@ftm/core';

const PROVIDER_RE = /^[a-z0-9_-]{1,64}$/;
const MAX_BODY_BYTES = 256 * 1024;

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /provider-webhooks/{provider}`: public (the Standard Webhooks signature authenticates it),
 * so register it OUTSIDE the bearer-auth scope. The body is kept as the exact bytes received (a
 * Buffer, never decoded text), since the signature covers them.
 */
export async function providerWebhooksRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  // Scoped to this plugin: the JSON body stays bytes for signature verification.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));

  app.post('/provider-webhooks/:provider', async (request) => {
    const provider = (request.params as { provider?: string }).provider ?? '';
    if (!PROVIDER_RE.test(provider)) throw new ValidationError('provider is not valid', [{ path: 'provider', message: 'lower-case letters, digits, _ and -' }]);
    if (!Buffer.isBuffer(request.body)) throw new ValidationError('webhook body must be application/json');
    await ftm.fineTuning.ingestProviderWebhook(
      provider,
      {
        'webhook-id': header(request.headers['webhook-id']),
        'webhook-timestamp': header(request.headers['webhook-timestamp']),
        'webhook-signature': header(request.headers['webhook-signature']),
      },
      request.body,
    );
    return { received: true };
  });
}
