import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The console package's folder. */
export const CONSOLE_PACKAGE = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the console into its dist/ with its own build script (about a second), as `pnpm build` does. */
export function buildConsole(): void {
  execFileSync(process.execPath, ['build.mjs'], { cwd: CONSOLE_PACKAGE, stdio: 'pipe' });
}
