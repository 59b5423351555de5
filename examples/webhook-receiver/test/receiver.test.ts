import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign, type WebhookEvent } from '@ftm/sdk/webhooks';
import { createWebhookReceiver } from '../src/receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const received: WebhookEvent[] = [];
const server = createWebhookReceiver({ secrets: [SECRET], onEvent: (e) => void received.push(e), maxBodyBytes: 10_000 });
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function delivery(id: string, type = 'model.promoted') {
  return JSON.stringify({ id, type, created_at: new Date().toISOString(), data: { promotion: { id }, pointer: { id }, history_entry: { seq: 1 } } });
}

describe('webhook receiver example', () => {
  it('accepts a signed delivery and hands the event over once', async () => {
    const body = delivery('0193a8ff-0000-7111-8222-000000000001');
    const headers = { ...(await sign(body, SECRET, { id: '0193a8ff-0000-7111-8222-000000000001' })), 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(200);
    await expect.poll(() => received.filter((e) => e.id === '0193a8ff-0000-7111-8222-000000000001').length).toBe(1);
  });

  it('accepts a delivery signed by the standardwebhooks package under the X-FTM-* names', async () => {
    const id = '0193a8ff-0000-7111-8222-000000000002';
    const body = delivery(id);
    const now = new Date();
    const headers = {
      'x-ftm-delivery': id,
      'x-ftm-timestamp': String(Math.floor(now.getTime() / 1000)),
      'x-ftm-signature': new Webhook(SECRET).sign(id, now, body),
    };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(200);
  });

  it('refuses a tampered body with 400', async () => {
    const body = delivery('0193a8ff-0000-7111-8222-000000000003');
    const headers = await sign(body, SECRET);
    expect((await fetch(url, { method: 'POST', headers, body: body.replace('promoted', 'rolled_back') })).status).toBe(400);
  });

  it('acknowledges an authentic delivery of a type it does not know with 204, without handing it over', async () => {
    const id = '0193a8ff-0000-7111-8222-000000000004';
    const body = delivery(id, 'model.teleported');
    expect((await fetch(url, { method: 'POST', headers: await sign(body, SECRET), body })).status).toBe(204);
    expect(received.some((e) => e.id === id)).toBe(false);
  });

  it('refuses an oversized body with 413', async () => {
    const body = 'x'.repeat(20_000);
    expect((await fetch(url, { method: 'POST', headers: await sign(body, SECRET), body })).status).toBe(413);
  });
});
