import { describe, expect, it } from 'vitest';
import { resolveBaseModel } from '../../src/datasets/base-models.js';
import { ValidationError } from '../../src/shared/errors.js';

describe('resolveBaseModel', () => {
  it("takes OpenAI's dated snapshots by family prefix", () => {
    expect(resolveBaseModel('gpt-4o-mini-2024-07-18')).toEqual({ encoding: 'o200k_base', maxTokensPerExample: 65_536 });
    expect(resolveBaseModel('gpt-3.5-turbo-0613')).toEqual({ encoding: 'cl100k_base', maxTokensPerExample: 4_096 });
  });

  it("takes Together's base models by exact id, counting with o200k against the catalogue cap", () => {
    expect(resolveBaseModel('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference')).toEqual({ encoding: 'o200k_base', maxTokensPerExample: 32_768 });
    expect(() => resolveBaseModel('meta-llama/Meta-Llama-3.1-8B')).toThrow(ValidationError);
  });
});
