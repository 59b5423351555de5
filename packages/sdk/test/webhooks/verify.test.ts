import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { sign, unwrap, verify, WebhookVerificationError } from '../../src/webhooks/index.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9u';
// The checks look at the required keys and their JSON types, not inside the nested resources.
const event = {
  id: '0190a2b4-7c1e-7d3a-9e55-2f1c3b4a5d6e',
  type: 'model.promoted',
  created_at: '2026-03-01T12:00:00.000Z',
  data: { promotion: { id: 'p1' }, pointer: { id: 'ptr1', target: { type: 'assistant', value: 'support' } }, history_entry: { seq: 3 } },
};
const body = JSON.stringify(event);

describe('verify', () => {
  it('accepts a delivery signed by the standardwebhooks package', async () => {
    const wh = new Webhook(SECRET);
    const id = 'msg_2b5c';
    const timestamp = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': wh.sign(id, timestamp, body),
    };
    await expect(verify(body, headers, SECRET)).resolves.toEqual(event);
  });

  it('produces signatures the standardwebhooks package accepts', async () => {
    const headers = await sign(body, SECRET);
    expect(new Webhook(SECRET).verify(body, { ...headers })).toEqual(event);
  });

  it('verifies its own signature over a byte body and a Fetch Headers object', async () => {
    const headers = await sign(body, SECRET);
    const bytes = new TextEncoder().encode(body);
    await expect(verify(bytes, new Headers({ ...headers }), SECRET)).resolves.toEqual(event);
  });

  it('reads the X-FTM-Delivery/-Timestamp/-Signature headers when webhook-* are absent', async () => {
    const signed = await sign(body, SECRET, { id: 'delivery-1' });
    const headers = {
      'X-FTM-Event': 'model.promoted',
      'X-FTM-Delivery': signed['webhook-id'],
      'X-FTM-Timestamp': signed['webhook-timestamp'],
      'X-FTM-Signature': signed['webhook-signature'],
    };
    await expect(unwrap(body, headers, SECRET)).resolves.toEqual(event);
  });

  it('rejects a tampered body', async () => {
    const headers = await sign(body, SECRET);
    await expect(verify(body.replace('support', 'sales'), headers, SECRET)).rejects.toThrow(WebhookVerificationError);
  });

  it('rejects a signature made with another secret', async () => {
    const headers = await sign(body, OTHER_SECRET);
    await expect(verify(body, headers, SECRET)).rejects.toThrow('No matching signature');
  });

  it('rejects a timestamp older than the tolerance', async () => {
    const headers = await sign(body, SECRET, { timestamp: Date.now() - 301_000 });
    await expect(verify(body, headers, SECRET)).rejects.toThrow('too old');
  });

  it('rejects a timestamp further in the future than the tolerance', async () => {
    const headers = await sign(body, SECRET, { timestamp: Date.now() + 301_000 });
    await expect(verify(body, headers, SECRET)).rejects.toThrow('in the future');
  });

  it('accepts an old timestamp when the tolerance is widened', async () => {
    const headers = await sign(body, SECRET, { timestamp: Date.now() - 600_000 });
    await expect(verify(body, headers, SECRET, { toleranceSec: 900 })).resolves.toEqual(event);
  });

  it('accepts any of several space-separated signatures (key rotation on the sender)', async () => {
    const old = await sign(body, OTHER_SECRET, { id: 'd1', timestamp: 1_700_000_000_000 });
    const current = await sign(body, SECRET, { id: 'd1', timestamp: 1_700_000_000_000 });
    const headers = { ...current, 'webhook-signature': `${old['webhook-signature']} ${current['webhook-signature']}` };
    await expect(verify(body, headers, SECRET, { now: 1_700_000_000_000 })).resolves.toEqual(event);
  });

  it('accepts any of several secrets (key rotation on the receiver)', async () => {
    const headers = await sign(body, OTHER_SECRET);
    await expect(verify(body, headers, [SECRET, OTHER_SECRET])).resolves.toEqual(event);
  });

  it('ignores signatures of an unknown version', async () => {
    const headers = await sign(body, SECRET);
    const v2 = { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') };
    await expect(verify(body, v2, SECRET)).rejects.toThrow('No matching signature');
  });

  it('rejects a delivery without signature headers', async () => {
    await expect(verify(body, {}, SECRET)).rejects.toThrow('Missing');
  });

  it('rejects a non-numeric timestamp', async () => {
    const headers = { ...(await sign(body, SECRET)), 'webhook-timestamp': '2026-03-01T12:00:00Z' };
    await expect(verify(body, headers, SECRET)).rejects.toThrow('Invalid webhook-timestamp');
  });

  it('returns the event typed by its `type`', async () => {
    const verified = await verify(body, await sign(body, SECRET), SECRET);
    // Narrowing on `type` reaches the typed `data` without a cast.
    if (verified.type !== 'model.promoted') throw new Error(`unexpected ${verified.type}`);
    expect(verified.data.pointer.id).toBe('ptr1');
  });

  it('rejects an authentic body whose data lacks a required key, naming it', async () => {
    const partial = JSON.stringify({ ...event, data: { promotion: {}, pointer: {} } });
    const error = await verify(partial, await sign(partial, SECRET), SECRET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ code: 'invalid_event', message: expect.stringContaining('data.history_entry') });
  });

  it('rejects an authentic body whose key has the wrong JSON type', async () => {
    const wrong = JSON.stringify({ ...event, created_at: 1_700_000_000 });
    await expect(verify(wrong, await sign(wrong, SECRET), SECRET)).rejects.toMatchObject({ code: 'invalid_event', message: expect.stringContaining('`created_at` is number') });
  });

  it('rejects an authentic body that is not an event object', async () => {
    await expect(verify('[1,2]', await sign('[1,2]', SECRET), SECRET)).rejects.toMatchObject({ code: 'invalid_event' });
  });

  it('tells an authentic delivery of an unknown type apart (code unknown_event_type)', async () => {
    const future = JSON.stringify({ ...event, type: 'model.teleported' });
    await expect(verify(future, await sign(future, SECRET), SECRET)).rejects.toMatchObject({ code: 'unknown_event_type' });
  });

  it('rejects a secret that is not base64', async () => {
    const headers = await sign(body, SECRET);
    await expect(verify(body, headers, 'whsec_not base64!')).rejects.toThrow('not valid base64');
  });
});
