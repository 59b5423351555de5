import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../shared/errors.js';
import { GovernancePolicy } from './governance-policy.js';

/** Parses policy text (YAML is a superset of JSON, so both work); a bad file is a ValidationError naming its fields. */
export function parsePolicy(text: string, origin = 'governance policy'): GovernancePolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ValidationError(`${origin} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = GovernancePolicy.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      `${origin} is not a valid policy`,
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
    );
  }
  return parsed.data;
}

/** Reads and parses a policy file from disk. */
export async function loadPolicyFile(path: string): Promise<GovernancePolicy> {
  return parsePolicy(await readFile(path, 'utf8'), `governance policy ${path}`);
}
