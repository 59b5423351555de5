import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { readSecretFiles, SECRET_VARIABLES } from '../src/secret-files.js';

let dir = '';
const file = async (name: string, content: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftm-secret-files-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('secrets from files (<NAME>_FILE)', () => {
  it('reads every secret variable from <NAME>_FILE, without the trailing newline', async () => {
    for (const name of SECRET_VARIABLES) {
      const path = await file(name, `value-of-${name}\n`);
      const { env, problems } = readSecretFiles({ [`${name}_FILE`]: path });
      expect(problems).toEqual([]);
      expect(env[name]).toBe(`value-of-${name}`);
      expect(env[`${name}_FILE`]).toBeUndefined();
    }
  });

  it('gives the configuration the same values from files as from the variables themselves', async () => {
    const signingKey = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const direct = {
      FTM_DATABASE_URL: 'postgres://ftm:db-pass@db:5432/ftm',
      FTM_QUEUE_URL: 'redis://:redis-pass@cache:6379',
      FTM_ORCHESTRATOR_URL: 'https://orchestrator.internal',
      FTM_ORCHESTRATOR_API_KEY: 'orch-key',
      FTM_OPENAI_API_KEY: 'sk-openai',
      FTM_WEBHOOK_SIGNING_KEY: signingKey,
    };
    const fromFiles: Record<string, string> = { FTM_ORCHESTRATOR_URL: direct.FTM_ORCHESTRATOR_URL };
    for (const [name, value] of Object.entries(direct)) {
      if (name !== 'FTM_ORCHESTRATOR_URL') fromFiles[`${name}_FILE`] = await file(`${name}.txt`, `${value}\r\n`);
    }
    expect(loadConfig(fromFiles)).toEqual(loadConfig(direct));
  });

  it('refuses a secret set both ways, naming the variable but not the value', async () => {
    const path = await file('both', 'sk-from-file');
    const problems = problemsOf({ FTM_OPENAI_API_KEY: 'sk-from-env', FTM_OPENAI_API_KEY_FILE: path });
    expect(problems).toEqual(['FTM_OPENAI_API_KEY: set both FTM_OPENAI_API_KEY and FTM_OPENAI_API_KEY_FILE; set only one']);
    expect(problems.join()).not.toMatch(/sk-from/);
  });

  it('refuses a missing or empty file, naming the variable and the path', async () => {
    const missing = join(dir, 'no-such-file');
    const empty = await file('empty', '\n');
    expect(problemsOf({ FTM_WEBHOOK_SIGNING_KEY_FILE: missing, FTM_METRICS_TOKEN_FILE: empty })).toEqual([
      `FTM_WEBHOOK_SIGNING_KEY_FILE: cannot read ${missing} (ENOENT)`,
      `FTM_METRICS_TOKEN_FILE: ${empty} is empty`,
    ]);
  });

  it('checks a value read from a file like the variable itself, without echoing it', async () => {
    const path = await file('bad-signing-key', 'not-a-whsec-secret-value');
    const problems = problemsOf({ FTM_WEBHOOK_SIGNING_KEY_FILE: path });
    expect(problems).toEqual([expect.stringMatching(/^FTM_WEBHOOK_SIGNING_KEY: must be whsec_/)]);
    expect(problems.join()).not.toContain('not-a-whsec-secret-value');
  });

  it('ignores a blank <NAME>_FILE, as it ignores a blank variable', () => {
    expect(readSecretFiles({ FTM_OPENAI_API_KEY_FILE: '  ', FTM_OPENAI_API_KEY: 'sk-x' })).toEqual({ env: { FTM_OPENAI_API_KEY_FILE: '  ', FTM_OPENAI_API_KEY: 'sk-x' }, problems: [] });
  });
});
