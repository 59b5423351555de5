import { vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { ReceivedRequest } from './receiver.js';

/**
 * Verifies a received request with the `standardwebhooks` package as a receiver would at
 * `atMs` (the package checks the timestamp against its clock; the tests move time by hours).
 */
export function verifiesWith(secret: string, request: ReceivedRequest, atMs: number = Number(request.headers['webhook-timestamp']) * 1000): boolean {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(atMs);
  try {
    new Webhook(secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  } finally {
    vi.useRealTimers();
  }
}
