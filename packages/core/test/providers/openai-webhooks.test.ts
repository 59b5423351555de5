import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { StandardWebhookVerifier, signStandardWebhook } from '../../src/webhooks/standard-webhooks.js';
import { parseOpenAiWebhook } from '../../src/adapters/openai/openai-webhook-event.js';
import { UnauthorizedError, ValidationError } from '../../src/shared/errors.js';

const secret = `whsec_${Buffer.from('a-32-byte-secret-for-the-tests!!').toString('base64')}`;
const body = JSON.stringify({ object: 'event', id: 'evt_685343a1381c819085d44c354e1b330e', type: 'fine_tuning.job.succeeded', created_at: 1750287018, data: { id: 'ftjob_abc123' } });

function signed(at: Date, payload = body, key = secret) {
  const id = 'wh_685342e6c53c8190a1be43f081506c52';
  const signature = new Webhook(key).sign(id, at, payload);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}

describe('Standard Webhooks verification', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('accepts a body signed by the standardwebhooks reference library', () => {
    expect(() => new StandardWebhookVerifier(secret).verify(body, signed(now), now.getTime())).not.toThrow();
  });

  it('rejects a body that was changed after signing', () => {
    const headers = signed(now);
    expect(() => new StandardWebhookVerifier(secret).verify(body.replace('succeeded', 'failed'), headers, now.getTime())).toThrow(UnauthorizedError);
  });

  it('rejects a signature made with another secret', () => {
    const other = `whsec_${Buffer.from('another-secret-another-secret!!!').toString('base64')}`;
    expect(() => new StandardWebhookVerifier(secret).verify(body, signed(now, body, other), now.getTime())).toThrow(/does not match/);
  });

  it('rejects stale and future timestamps', () => {
    const verifier = new StandardWebhookVerifier(secret);
    expect(() => verifier.verify(body, signed(new Date(now.getTime() - 6 * 60_000)), now.getTime())).toThrow(/too old/);
    expect(() => verifier.verify(body, signed(new Date(now.getTime() + 6 * 60_000)), now.getTime())).toThrow(/future/);
  });

  it('rejects a request without the signature headers', () => {
    expect(() => new StandardWebhookVerifier(secret).verify(body, {}, now.getTime())).toThrow(/missing/);
  });

  it('signs what the standardwebhooks reference library verifies, one v1 signature per secret', () => {
    const ts = Math.floor(Date.now() / 1000); // the library checks against the wall clock
    const old = `whsec_${Buffer.from('the-old-secret-the-old-secret!!!').toString('base64')}`;
    const signature = signStandardWebhook('msg_1', ts, body, [secret, old]);
    expect(signature.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(new Webhook(old).verify(body, headers)).toMatchObject({ type: 'fine_tuning.job.succeeded' });
  });

  it('accepts either secret during a rotation', () => {
    const old = `whsec_${Buffer.from('the-old-secret-the-old-secret!!!').toString('base64')}`;
    expect(() => new StandardWebhookVerifier([secret, old]).verify(body, signed(now, body, old), now.getTime())).not.toThrow();
  });
});

describe('OpenAI webhook bodies', () => {
  it('extracts the fine-tuning job a job event is about', () => {
    expect(parseOpenAiWebhook(body)).toEqual({ eventId: 'evt_685343a1381c819085d44c354e1b330e', type: 'fine_tuning.job.succeeded', providerJobId: 'ftjob_abc123' });
  });

  it('ignores event types other than fine-tuning job outcomes', () => {
    expect(parseOpenAiWebhook(JSON.stringify({ object: 'event', id: 'e', type: 'response.completed', created_at: 1, data: { id: 'resp_1' } }))).toBeNull();
  });

  it('refuses a body that is not an event', () => {
    expect(() => parseOpenAiWebhook('not json')).toThrow(ValidationError);
    expect(() => parseOpenAiWebhook('{"hello":1}')).toThrow(ValidationError);
  });
});
