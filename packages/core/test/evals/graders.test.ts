import { describe, expect, it } from 'vitest';
import { GraderConfig, compileGrader, gradeCase, type GradeEnv, type GradeSubject } from '../../src/evals/graders/index.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import type { RunnerToolCall } from '../../src/runners/model-runner.js';

const env = (judgeContent: string | null = '{"score":0.6,"reasoning":"mostly right"}', judgeCost = 0.001): GradeEnv => ({
  sanitizer: new BuiltinSanitizer(),
  judge: async () => ({ content: judgeContent, costUsd: judgeCost }),
});

const call = (name: string, args: string): RunnerToolCall => ({ id: `call_${name}`, type: 'function', function: { name, arguments: args } });

function subject(over: Partial<GradeSubject> = {}): GradeSubject {
  return {
    input: [{ role: 'user', content: 'question' }],
    content: 'answer',
    toolCalls: [],
    expectedOutput: 'answer',
    expectedToolCall: null,
    jsonSchema: null,
    latencyMs: 100,
    costUsd: 0.001,
    ...over,
  };
}

async function grade(config: unknown, s: Partial<GradeSubject>, e: GradeEnv = env()) {
  const grader = compileGrader(GraderConfig.parse(config));
  const out = await grader.grade(subject(s), e);
  return 'verdict' in out ? out.verdict : out;
}

describe('grader configuration', () => {
  it('refuses an unknown grader type', () => {
    expect(GraderConfig.safeParse({ type: 'vibes' }).success).toBe(false);
  });
  it('refuses an invalid regular expression', () => {
    const r = GraderConfig.safeParse({ type: 'regex', pattern: '([a-z' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['pattern']);
  });
  it('refuses an invalid JSON schema', () => {
    const r = GraderConfig.safeParse({ type: 'json_schema', schema: { type: 'nope' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['schema']);
  });
  it('defaults the weight to 1 and the name to the type', () => {
    const g = compileGrader(GraderConfig.parse({ type: 'json_valid' }));
    expect([g.name, g.weight]).toEqual(['json_valid', 1]);
  });
});

describe('exact_match', () => {
  const cfg = { type: 'exact_match', normalize: { case_insensitive: true, collapse_whitespace: true, strip_punctuation: true } };
  it('passes after normalisation', async () => {
    expect((await grade(cfg, { content: '  Hello,   WORLD! ', expectedOutput: 'hello world' })).passed).toBe(true);
  });
  it('fails on different text', async () => {
    expect((await grade(cfg, { content: 'goodbye world', expectedOutput: 'hello world' })).passed).toBe(false);
  });
  it('fails without normalisation when only case differs', async () => {
    expect((await grade({ type: 'exact_match' }, { content: 'Hello', expectedOutput: 'hello' })).passed).toBe(false);
  });
  it('fails a tool-call-only answer as malformed', async () => {
    const v = await grade(cfg, { content: null, toolCalls: [call('x', '{}')] });
    expect(v).toMatchObject({ passed: false, score: 0 });
    expect(v.reason).toMatch(/no text/);
  });
});

describe('contains and not_contains', () => {
  it('gives partial credit when some of all values are missing', async () => {
    const v = await grade({ type: 'contains', values: ['a1', 'b2', 'c3', 'd4'] }, { content: 'a1 b2 c3' });
    expect(v).toMatchObject({ passed: false, score: 0.75 });
    expect(v.reason).toContain('"d4"');
  });
  it('passes any-match with one value, case-insensitively', async () => {
    expect(await grade({ type: 'contains', values: ['PARIS', 'Rome'], match: 'any', case_insensitive: true }, { content: 'paris' })).toMatchObject({ passed: true, score: 1 });
  });
  it('fails a null answer', async () => {
    expect((await grade({ type: 'contains', values: ['x'] }, { content: null })).passed).toBe(false);
  });
  it('not_contains passes clean output and fails on a forbidden value', async () => {
    expect((await grade({ type: 'not_contains', values: ['sorry'] }, { content: 'Here you go' })).passed).toBe(true);
    expect((await grade({ type: 'not_contains', values: ['sorry'], case_insensitive: true }, { content: 'Sorry, I cannot' })).passed).toBe(false);
  });
});

describe('regex', () => {
  it('passes a matching output', async () => {
    expect((await grade({ type: 'regex', pattern: '^order #\\d+$', flags: 'i' }, { content: 'Order #123' })).passed).toBe(true);
  });
  it('fails a non-matching output', async () => {
    expect((await grade({ type: 'regex', pattern: '^\\d+$' }, { content: 'twelve' })).passed).toBe(false);
  });
  it('fails a null output as malformed', async () => {
    expect((await grade({ type: 'regex', pattern: '.*' }, { content: null })).passed).toBe(false);
  });
});

describe('json_valid and json_schema', () => {
  const schema = { type: 'object', required: ['total'], properties: { total: { type: 'number' } } };
  it('json_valid passes JSON and fails malformed JSON', async () => {
    expect((await grade({ type: 'json_valid' }, { content: '{"a":1}' })).passed).toBe(true);
    expect((await grade({ type: 'json_valid' }, { content: '{"a":' })).reason).toMatch(/malformed/);
  });
  it('json_schema passes a matching object', async () => {
    expect((await grade({ type: 'json_schema', schema }, { content: '{"total": 3}' })).passed).toBe(true);
  });
  it('json_schema fails a mismatch and says where', async () => {
    const v = await grade({ type: 'json_schema', schema }, { content: '{"total": "3"}' });
    expect(v.passed).toBe(false);
    expect(v.reason).toContain('/total');
  });
  it('json_schema fails malformed JSON', async () => {
    expect((await grade({ type: 'json_schema', schema }, { content: 'total: 3' })).reason).toMatch(/not valid JSON/);
  });
  it("the case's schema overrides the grader's", async () => {
    expect((await grade({ type: 'json_schema', schema }, { content: '"x"', jsonSchema: { type: 'string' } })).passed).toBe(true);
  });
});

describe('tool_call_match', () => {
  const expected = { name: 'get_weather', arguments: { city: 'Paris' } };
  it('passes a call whose arguments are a superset', async () => {
    expect((await grade({ type: 'tool_call_match' }, { toolCalls: [call('get_weather', '{"city":"Paris","unit":"c"}')], expectedToolCall: expected })).passed).toBe(true);
  });
  it('fails with exact matching when extra arguments are present', async () => {
    expect((await grade({ type: 'tool_call_match', argument_match: 'exact' }, { toolCalls: [call('get_weather', '{"city":"Paris","unit":"c"}')], expectedToolCall: expected })).passed).toBe(false);
  });
  it('fails a call of another tool', async () => {
    const v = await grade({ type: 'tool_call_match' }, { toolCalls: [call('get_time', '{}')], expectedToolCall: expected });
    expect(v.reason).toContain('called get_time');
  });
  it('fails malformed arguments', async () => {
    expect((await grade({ type: 'tool_call_match' }, { toolCalls: [call('get_weather', '{city:')], expectedToolCall: expected })).reason).toMatch(/malformed/);
  });
});

describe('numeric_tolerance', () => {
  it('passes within an absolute tolerance, reading the only number in a sentence', async () => {
    expect((await grade({ type: 'numeric_tolerance', tolerance: 0.5 }, { content: 'The total is 41.6.', expectedOutput: '42' })).passed).toBe(true);
  });
  it('fails beyond a relative tolerance', async () => {
    expect((await grade({ type: 'numeric_tolerance', tolerance: 0.01, relative: true }, { content: '103', expectedOutput: '100' })).passed).toBe(false);
  });
  it('fails a non-numeric answer as malformed', async () => {
    expect((await grade({ type: 'numeric_tolerance', tolerance: 1 }, { content: 'about forty', expectedOutput: '42' })).reason).toMatch(/malformed/);
  });
});

describe('string_similarity', () => {
  it('passes above the threshold with the similarity as score', async () => {
    const v = await grade({ type: 'string_similarity', threshold: 0.8 }, { content: 'kitten', expectedOutput: 'sitten' });
    expect(v.passed).toBe(true);
    expect(v.score).toBeCloseTo(5 / 6, 4);
  });
  it('fails below the threshold (word jaccard)', async () => {
    const v = await grade({ type: 'string_similarity', threshold: 0.5, metric: 'jaccard' }, { content: 'red green', expectedOutput: 'red blue yellow' });
    expect(v).toMatchObject({ passed: false, score: 0.25 });
  });
  it('fails a null answer', async () => {
    expect((await grade({ type: 'string_similarity', threshold: 0 }, { content: null })).passed).toBe(false);
  });
});

describe('model_graded', () => {
  const cfg = { type: 'model_graded', judge_model: { type: 'base_model', value: 'gpt-4o-mini' }, rubric: 'Is it correct?', pass_score: 0.5 };
  it('passes with the judge score and reasoning, and reports the judge cost', async () => {
    const out = await compileGrader(GraderConfig.parse(cfg)).grade(subject(), env('{"score":0.8,"reasoning":"correct"}', 0.002));
    expect(out).toEqual({ verdict: { grader: 'model_graded', passed: true, score: 0.8, reason: 'correct' }, costUsd: 0.002 });
  });
  it('fails below the pass score', async () => {
    expect((await grade(cfg, {}, env('{"score":0.2,"reasoning":"wrong"}'))).passed).toBe(false);
  });
  it('fails a malformed judge answer but still counts its cost', async () => {
    const out = await compileGrader(GraderConfig.parse(cfg)).grade(subject(), env('score: high', 0.003));
    expect(out).toMatchObject({ verdict: { passed: false, score: 0 }, costUsd: 0.003 });
  });
});

describe('trism_safety', () => {
  it('passes clean output', async () => {
    expect((await grade({ type: 'trism_safety' }, { content: 'Your order ships tomorrow.' })).passed).toBe(true);
  });
  it('fails output with PII and names the type, never the value', async () => {
    const v = await grade({ type: 'trism_safety' }, { content: 'Mail jane.doe@example.com for a refund' });
    expect(v.passed).toBe(false);
    expect(v.reason).toContain('email');
    expect(v.reason).not.toContain('jane.doe');
  });
  it('scans tool call arguments too', async () => {
    expect((await grade({ type: 'trism_safety' }, { content: null, toolCalls: [call('send', '{"to":"jane.doe@example.com"}')] })).passed).toBe(false);
  });
});

describe('latency and cost ceilings', () => {
  it('latency passes at the ceiling and fails above it', async () => {
    expect((await grade({ type: 'latency_ceiling', max_ms: 100 }, { latencyMs: 100 })).passed).toBe(true);
    expect((await grade({ type: 'latency_ceiling', max_ms: 100 }, { latencyMs: 101 })).passed).toBe(false);
  });
  it('cost passes under the ceiling and fails above it', async () => {
    expect((await grade({ type: 'cost_ceiling', max_usd: 0.01 }, { costUsd: 0.002 })).passed).toBe(true);
    expect((await grade({ type: 'cost_ceiling', max_usd: 0.001 }, { costUsd: 0.002 })).passed).toBe(false);
  });
});

describe('a suite mixing every grader', () => {
  const content = '{"answer": 42, "city": "Paris"}';
  const configs = [
    { type: 'exact_match', weight: 2 }, // 1
    { type: 'contains', values: ['answer', 'Paris', 'London', '42'] }, // 0.75
    { type: 'not_contains', values: ['error'] }, // 1
    { type: 'regex', pattern: '^\\[' }, // 0
    { type: 'json_valid' }, // 1
    { type: 'json_schema', weight: 2, schema: { type: 'object', required: ['answer', 'city'], properties: { answer: { type: 'number' }, city: { type: 'string' } } } }, // 1
    { type: 'tool_call_match' }, // 1
    { type: 'numeric_tolerance', tolerance: 0 }, // 1
    { type: 'string_similarity', threshold: 0.9 }, // 1
    { type: 'model_graded', judge_model: { type: 'base_model', value: 'gpt-4o-mini' }, rubric: 'Correct city and answer?', pass_score: 0.5 }, // 0.6
    { type: 'trism_safety' }, // 1
    { type: 'latency_ceiling', max_ms: 1000 }, // 0 (1500 ms)
    { type: 'cost_ceiling', max_usd: 0.01 }, // 1
  ].map((c) => compileGrader(GraderConfig.parse(c)));
  const mixed = subject({
    content,
    expectedOutput: content,
    toolCalls: [call('lookup', '{"city":"Paris","units":"metric"}')],
    expectedToolCall: { name: 'lookup', arguments: { city: 'Paris' } },
    latencyMs: 1500,
    costUsd: 0.002,
  });

  it('scores the hand-computed weighted mean 12.35 / 15', async () => {
    const grade = await gradeCase(configs, mixed, env(), 0.8);
    expect(grade.verdicts.map((v) => v.score)).toEqual([1, 0.75, 1, 0, 1, 1, 1, 1, 1, 0.6, 1, 0, 1]);
    expect(grade.score).toBeCloseTo(12.35 / 15, 9);
    expect(grade.passed).toBe(true);
    expect(grade.judgeCostUsd).toBe(0.001);
  });

  it('fails the case when TRiSM safety fails, whatever the weighted score', async () => {
    const leaky = { ...mixed, content: `${content} mail jane.doe@example.com`, expectedOutput: `${content} mail jane.doe@example.com` };
    const grade = await gradeCase(configs, leaky, env(), 0.5);
    expect(grade.score).toBeGreaterThan(0.5);
    expect(grade.passed).toBe(false);
  });
});
