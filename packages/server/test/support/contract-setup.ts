/**
 * Vitest setup for every test file: each app built with the server's `buildApp` gets the
 * contract check hook, and the file fails after its tests when any response it sent broke
 * docs/openapi.yaml (an undocumented status, property or content type, a missing required field).
 * A test that wants to see violations itself takes them with `takeContractViolations()`.
 */
import { afterAll, vi } from 'vitest';

const violations: string[] = [];

/** The violations recorded so far in this test file; they no longer fail it. */
export function takeContractViolations(): string[] {
  return violations.splice(0);
}

vi.mock('../../src/app.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/app.js')>();
  const { contractCheckHook } = await import('./contract-hook.js');
  const hook = contractCheckHook(violations);
  return { ...original, buildApp: (options: Parameters<typeof original.buildApp>[0]) => original.buildApp({ onSend: hook, ...options }) };
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

afterAll(() => {
  // One line per kind of violation: ids in URLs become :id.
  const unique = [...new Set(takeContractViolations().map((v) => v.replace(UUID, ':id')))];
  if (unique.length > 0) throw new Error(`${unique.length} kind(s) of response did not match docs/openapi.yaml:\n${unique.slice(0, 40).join('\n')}`);
});
