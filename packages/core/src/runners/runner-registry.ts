import { ValidationError } from '../shared/errors.js';
import type { ModelRunner, ModelRunnerRegistry } from './model-runner.js';

/**
 * A registry over the configured runners. The simulated runner is always present (the offline
 * default); `openai` is the default provider once an OpenAI runner is given.
 */
export function createModelRunnerRegistry(runners: { readonly simulated: ModelRunner; readonly [provider: string]: ModelRunner | undefined }): ModelRunnerRegistry {
  const configured = Object.entries(runners).filter((e): e is [string, ModelRunner] => e[1] !== undefined);
  const byName = new Map(configured);
  return {
    defaultProvider: byName.has('openai') ? 'openai' : 'simulated',
    resolve(provider) {
      const runner = byName.get(provider);
      if (!runner) {
        throw new ValidationError(`no model runner is configured for provider ${provider}`, [
          { path: 'model.provider', message: `one of ${[...byName.keys()].join(', ')}` },
        ]);
      }
      return runner;
    },
  };
}
