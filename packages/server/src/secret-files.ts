import { readFileSync } from 'node:fs';

/**
 * Every configuration variable that holds a secret (or a URL that may embed a password). Each is
 * also accepted as `<NAME>_FILE`: the path of a file holding the value, as Docker and Kubernetes
 * secrets and Vault Agent templates provide them. A new secret variable is added here, and only
 * here (config.ts re-exports it).
 */
export const SECRET_VARIABLES = [
  'FTM_DATABASE_URL',
  'FTM_QUEUE_URL',
  'FTM_ORCHESTRATOR_API_KEY',
  'FTM_OPENAI_API_KEY',
  'FTM_OPENAI_WEBHOOK_SECRET',
  'FTM_AZURE_OPENAI_API_KEY',
  'FTM_TOGETHER_API_KEY',
  'FTM_SECRETS_KEY',
  'FTM_SECRETS_PREVIOUS_KEYS',
  'FTM_WEBHOOK_SIGNING_KEY',
  'FTM_WEBHOOK_PREVIOUS_SIGNING_KEYS',
  'FTM_METRICS_TOKEN',
  'FTM_OPERATOR_TOKEN',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * The environment with every `<NAME>_FILE` of {@link SECRET_VARIABLES} replaced by `<NAME>` = the
 * file's content (without its trailing newline). Problems name the variable and the path, never a
 * value: both forms set, an unreadable file, an empty file.
 */
export function readSecretFiles(env: Env, secrets: readonly string[] = SECRET_VARIABLES): { env: Env; problems: string[] } {
  const resolved: Record<string, string | undefined> = { ...env };
  const problems: string[] = [];
  for (const name of secrets) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar];
    if (!isSet(path)) continue;
    delete resolved[fileVar];
    if (isSet(env[name])) {
      problems.push(`${name}: set both ${name} and ${fileVar}; set only one`);
      continue;
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`${fileVar}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    // Files written by `echo`, editors and secret stores end with a newline that is not part of the secret.
    const value = content.replace(/[\r\n]+$/, '');
    if (value.trim() === '') problems.push(`${fileVar}: ${path} is empty`);
    else resolved[name] = value;
  }
  return { env: resolved, problems };
}
