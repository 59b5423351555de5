/**
 * A non-empty environment variable, where the runtime has `process.env` (Node, Bun, Deno's Node
 * compatibility); undefined in browsers and edge runtimes without it.
 */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}
