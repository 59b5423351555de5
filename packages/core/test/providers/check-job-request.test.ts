import { describe, expect, it } from 'vitest';
import { checkJobRequest } from '../../src/providers/check-job-request.js';
import { graderFieldReferences } from '../../src/providers/grader-fields.js';
import { defineCapabilities } from '../../src/providers/provider-capabilities.js';
import { OPENAI_CAPABILITIES } from '../../src/providers/catalog/openai-catalog.js';
import { TOGETHER_CAPABILITIES } from '../../src/providers/catalog/together-catalog.js';

const together = defineCapabilities(TOGETHER_CAPABILITIES);
const openai = defineCapabilities(OPENAI_CAPABILITIES);
const LLAMA = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

describe('checking a job request against a provider', () => {
  it('accepts Together supervised LoRA training with its own hyperparameters on instruction data', () => {
    expect(
      checkJobRequest(together, {
        method: 'supervised',
        baseModel: LLAMA,
        datasetFormat: 'jsonl_prompt_completion',
        hyperparameters: { n_epochs: 3, learning_rate: 0.00002, warmup_ratio: 0.1, n_checkpoints: 2, training_type: 'lora', lora_r: 16, lora_alpha: 32, batch_size: 'auto' },
      }),
    ).toEqual([]);
  });

  it('refuses reinforcement on Together, which does not offer it', () => {
    expect(checkJobRequest(together, { method: 'reinforcement', baseModel: LLAMA, datasetFormat: 'jsonl_chat', hyperparameters: {} })).toEqual([
      { path: 'method', message: 'together does not offer reinforcement fine-tuning; it offers supervised, dpo' },
    ]);
  });

  it("refuses OpenAI's learning_rate_multiplier on Together and Together's learning_rate on OpenAI", () => {
    expect(checkJobRequest(together, { method: 'supervised', baseModel: LLAMA, datasetFormat: 'jsonl_chat', hyperparameters: { learning_rate_multiplier: 2 } }).map((e) => e.path)).toEqual([
      'hyperparameters.learning_rate_multiplier',
    ]);
    expect(checkJobRequest(openai, { method: 'supervised', baseModel: 'gpt-4o-mini', datasetFormat: 'jsonl_chat', hyperparameters: { learning_rate: 0.0001 } }).map((e) => e.path)).toEqual([
      'hyperparameters.learning_rate',
    ]);
  });

  it('refuses values outside the published ranges: integers, exclusive bounds, auto where not taken', () => {
    const errors = checkJobRequest(together, {
      method: 'dpo',
      baseModel: LLAMA,
      datasetFormat: 'jsonl_preference',
      hyperparameters: { n_epochs: 21, lora_dropout: 1, lora_r: 8.5, learning_rate: 'auto' },
    });
    expect(errors.map((e) => e.path)).toEqual(['hyperparameters.n_epochs', 'hyperparameters.lora_dropout', 'hyperparameters.lora_r', 'hyperparameters.learning_rate']);
    expect(errors[0]!.message).toBe('together takes n_epochs as an integer at least 1 at most 20, or auto for dpo');
  });

  it('accepts an alias and a fine-tune of a known base model', () => {
    expect(checkJobRequest(openai, { method: 'dpo', baseModel: 'gpt-4o-mini', datasetFormat: 'jsonl_preference', hyperparameters: {} })).toEqual([]);
    expect(checkJobRequest(openai, { method: 'supervised', baseModel: 'ft:gpt-4o-mini-2024-07-18:org:x:abc', datasetFormat: 'jsonl_chat', hyperparameters: {} })).toEqual([]);
  });
});

describe('fields a reinforcement grader reads', () => {
  it('finds item fields in templates, nested graders and Python source', () => {
    const grader = {
      type: 'multi',
      graders: {
        exact: { type: 'string_check', input: '{{sample.output_text}}', reference: '{{ item.answer }}', operation: 'eq' },
        code: { type: 'python', source: 'def grade(sample, item):\n  return float(item["label"] == item.get(\'alt\'))' },
        judge: { type: 'score_model', input: [{ role: 'user', content: 'Rate {{item.messages}}' }] },
      },
    };
    expect(graderFieldReferences(grader)).toEqual([
      { field: 'answer', path: 'graders.exact.reference' },
      { field: 'label', path: 'graders.code.source' },
      { field: 'alt', path: 'graders.code.source' },
      { field: 'messages', path: 'graders.judge.input.0.content' },
    ]);
  });
});
