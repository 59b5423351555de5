import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../src/shared/errors.js';
import { nextEvalRunStatus, type EvalRunEvent } from '../../src/evals/eval-run-state-machine.js';
import { EVAL_RUN_STATUSES, type EvalRunStatus } from '../../src/evals/eval-run.js';
import { computeMetrics, percentile } from '../../src/evals/metrics.js';
import { pairedBootstrapInterval } from '../../src/evals/bootstrap.js';
import { SimulatedRunner } from '../../src/adapters/simulated/simulated-runner.js';
import { inferenceCostUsd, DEFAULT_INFERENCE_PRICES } from '../../src/runners/inference-prices.js';

describe('eval run state machine', () => {
  const allowed: Record<EvalRunStatus, Partial<Record<EvalRunEvent, EvalRunStatus>>> = {
    queued: { start: 'running', fail: 'failed', cancel: 'canceled' },
    running: { start: 'running', complete: 'completed', stop: 'stopped', fail: 'failed', cancel: 'canceled' },
    completed: {},
    stopped: {},
    failed: {},
    canceled: {},
  };
  const events: EvalRunEvent[] = ['start', 'complete', 'stop', 'fail', 'cancel'];
  for (const from of EVAL_RUN_STATUSES) {
    for (const event of events) {
      const to = allowed[from][event];
      it(to ? `${from} --${event}--> ${to}` : `refuses ${event} from ${from}`, () => {
        if (to) expect(nextEvalRunStatus(from, event)).toBe(to);
        else expect(() => nextEvalRunStatus(from, event)).toThrow(InvalidTransitionError);
      });
    }
  }
});

describe('metrics', () => {
  it('computes score, pass rate, per grader, per tag, latency percentiles, tokens and cost', () => {
    const m = computeMetrics([
      { score: 1, passed: true, verdicts: [{ grader: 'a', passed: true, score: 1 }], tags: ['x'], latencyMs: 100, inputTokens: 10, outputTokens: 5, costUsd: 0.002, judgeCostUsd: 0.001 },
      { score: 0.5, passed: false, verdicts: [{ grader: 'a', passed: false, score: 0.5 }], tags: ['x', 'y'], latencyMs: 300, inputTokens: 20, outputTokens: 5, costUsd: 0.003, judgeCostUsd: 0 },
      { score: 0, passed: false, verdicts: [], tags: [], latencyMs: null, inputTokens: 0, outputTokens: 0, costUsd: 0, judgeCostUsd: 0 },
    ]);
    expect(m).toEqual({
      score: 0.5,
      pass_rate: 0.333333,
      per_grader: { a: { score: 0.75, pass_rate: 0.5 } },
      per_tag: { x: { score: 0.75, pass_rate: 0.5, cases: 2 }, y: { score: 0.5, pass_rate: 0, cases: 1 } },
      latency_ms: { p50: 100, p95: 300 },
      tokens: { input: 30, output: 10, total: 40 },
      cost_usd: 0.005,
      judge_cost_usd: 0.001,
    });
  });
  it('uses nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(percentile([], 95)).toBe(0);
  });
});

describe('paired bootstrap', () => {
  it('is deterministic for a seed', () => {
    const diffs = [0.1, -0.2, 0.3, 0, 0.5, 0.2, -0.1];
    expect(pairedBootstrapInterval(diffs, { seed: 42 })).toEqual(pairedBootstrapInterval(diffs, { seed: 42 }));
  });
  it('excludes 0 for a consistent improvement and includes it for noise', () => {
    const better = pairedBootstrapInterval(
      Array.from({ length: 30 }, (_, i) => 0.3 + (i % 3) * 0.1),
      { seed: 1 },
    );
    expect(better.lower).toBeGreaterThan(0);
    const noise = pairedBootstrapInterval(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.4 : -0.4)),
      { seed: 1 },
    );
    expect(noise.lower).toBeLessThan(0);
    expect(noise.upper).toBeGreaterThan(0);
  });
});

describe('simulated runner', () => {
  const examples = async () => [
    { prompt: 'How do I reset my router?', content: 'Hold the reset pin for ten seconds.', toolCalls: [] },
    { prompt: 'What is the capital of France?', content: null, toolCalls: [{ id: 'c1', type: 'function' as const, function: { name: 'lookup', arguments: '{"q":"France"}' } }] },
  ];
  const runner = new SimulatedRunner({ examples });
  const ft = { id: 'ft:gpt-4o-mini-2024-07-18:ftm-sim::abc', provider: 'simulated', trainedOn: { tenantId: 't', datasetId: 'd' } };
  const base = { id: 'gpt-4o-mini-2024-07-18', provider: 'simulated' };

  it('answers a fine-tuned model from its nearest training example', async () => {
    const out = await runner.complete(ft, { messages: [{ role: 'user', content: 'how to reset a router' }] });
    expect(out.content).toBe('Hold the reset pin for ten seconds.');
    const tool = await runner.complete(ft, { messages: [{ role: 'user', content: 'capital of France' }] });
    expect(tool.toolCalls[0]!.function.name).toBe('lookup');
  });
  it('answers a base model generically and the same way every time', async () => {
    const a = await runner.complete(base, { messages: [{ role: 'user', content: 'How do I reset my router?' }] });
    const b = await runner.complete(base, { messages: [{ role: 'user', content: 'How do I reset my router?' }] });
    expect(a.content).toBe(b.content);
    expect(a.content).not.toContain('reset pin');
    expect(a.usage.inputTokens).toBeGreaterThan(0);
  });
  it('prices fine-tuned models at their higher rate', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(inferenceCostUsd(DEFAULT_INFERENCE_PRICES, base.id, usage)).toBe(0.75);
    expect(inferenceCostUsd(DEFAULT_INFERENCE_PRICES, ft.id, usage)).toBe(1.5);
    expect(inferenceCostUsd(DEFAULT_INFERENCE_PRICES, 'unknown-model', usage)).toBe(0);
  });
});
