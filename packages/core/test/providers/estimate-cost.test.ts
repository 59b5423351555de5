import { describe, expect, it } from 'vitest';
import { actualTrainingCost, autoEpochs, estimateTrainingCost } from '../../src/providers/estimate-cost.js';
import { DEFAULT_PRICE_TABLE, findModelPrice, withPriceOverrides } from '../../src/providers/price-table.js';

describe('auto epochs', () => {
  it('targets three epochs for a mid-sized dataset', () => {
    expect(autoEpochs(1_000)).toBe(3);
  });
  it('raises epochs so a tiny dataset reaches 100 example passes', () => {
    expect(autoEpochs(10)).toBe(10);
    expect(autoEpochs(30)).toBe(3);
    expect(autoEpochs(20)).toBe(5);
  });
  it('never goes above 25 epochs', () => {
    expect(autoEpochs(2)).toBe(25);
  });
  it('lowers epochs so a big dataset stays within 25,000 example passes, never below one', () => {
    expect(autoEpochs(10_000)).toBe(2);
    expect(autoEpochs(100_000)).toBe(1);
  });
});

describe('cost estimate', () => {
  it('multiplies epochs, tokens capped per example, and the model price', () => {
    const estimate = estimateTrainingCost({
      model: 'gpt-4o-mini-2024-07-18',
      method: 'supervised',
      tokens: { perExampleTokens: [1_000, 2_000, 100_000] },
      nEpochs: 2,
      priceTable: DEFAULT_PRICE_TABLE,
    });
    // the 100k-token example is billed at the 65,536 limit
    expect(estimate.billableTokensPerEpoch).toBe(68_536);
    expect(estimate.estimatedTrainedTokens).toBe(137_072);
    expect(estimate.estimatedCostUsd).toBeCloseTo((137_072 / 1e6) * 3, 6);
    expect(estimate.priceTableVersion).toBe(DEFAULT_PRICE_TABLE.version);
  });

  it('uses the auto epoch rule when epochs are auto', () => {
    const estimate = estimateTrainingCost({
      model: 'gpt-4.1-mini',
      method: 'dpo',
      tokens: { exampleCount: 20, totalTokens: 20_000 },
      priceTable: DEFAULT_PRICE_TABLE,
    });
    expect(estimate.epochs).toBe(5);
    expect(estimate.estimatedCostUsd).toBeCloseTo((100_000 / 1e6) * 5, 6);
  });

  it('gives no token estimate for reinforcement fine-tuning, which is billed per hour', () => {
    const estimate = estimateTrainingCost({ model: 'o4-mini', method: 'reinforcement', tokens: { exampleCount: 50, totalTokens: 5_000 }, priceTable: DEFAULT_PRICE_TABLE });
    expect(estimate.estimatedCostUsd).toBeNull();
    expect(estimate.note).toMatch(/per training hour/);
  });

  it('gives no estimate for a model missing from the table', () => {
    expect(estimateTrainingCost({ model: 'mystery', method: 'supervised', tokens: { exampleCount: 10, totalTokens: 10 }, priceTable: DEFAULT_PRICE_TABLE }).estimatedCostUsd).toBeNull();
  });

  it('computes the actual cost from trained tokens', () => {
    expect(actualTrainingCost(DEFAULT_PRICE_TABLE, 'gpt-4.1-2025-04-14', 'supervised', 2_000_000)).toBe(50);
  });

  it('prices continued training of a fine-tuned model like its base', () => {
    expect(findModelPrice(DEFAULT_PRICE_TABLE, 'ft:gpt-4o-mini-2024-07-18:org:x:abc')?.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('lets configuration override a model price and names both versions', () => {
    const table = withPriceOverrides(DEFAULT_PRICE_TABLE, {
      version: 'contract-2026',
      models: [{ model: 'gpt-4o-mini-2024-07-18', maxTokensPerExample: 65_536, methods: { supervised: { unit: 'per_1m_training_tokens', usd: 1 } } }],
    });
    expect(table.version).toBe(`${DEFAULT_PRICE_TABLE.version}+contract-2026`);
    expect(actualTrainingCost(table, 'gpt-4o-mini', 'supervised', 1_000_000)).toBe(1);
  });
});

describe('Together prices', () => {
  const tokens = { exampleCount: 100, totalTokens: 1_000_000 };
  it("trains Together's default of one epoch when none is given, at its LoRA rate", () => {
    const estimate = estimateTrainingCost({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', method: 'supervised', tokens, priceTable: DEFAULT_PRICE_TABLE });
    expect(estimate).toMatchObject({ epochs: 1, usdPer1mTokens: 0.48, estimatedCostUsd: 0.48 });
  });
  it('prices full fine-tuning and DPO apart from LoRA supervised training', () => {
    const full = estimateTrainingCost({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', method: 'supervised', trainingType: 'full', nEpochs: 2, tokens, priceTable: DEFAULT_PRICE_TABLE });
    expect(full).toMatchObject({ epochs: 2, usdPer1mTokens: 0.54, estimatedCostUsd: 1.08 });
    const dpo = estimateTrainingCost({ model: 'Qwen/Qwen2.5-72B-Instruct', method: 'dpo', tokens, priceTable: DEFAULT_PRICE_TABLE });
    expect(dpo.usdPer1mTokens).toBe(7.25);
    expect(actualTrainingCost(DEFAULT_PRICE_TABLE, 'Qwen/Qwen2.5-72B-Instruct', 'dpo', 2_000_000, 'full')).toBe(16);
  });
});
