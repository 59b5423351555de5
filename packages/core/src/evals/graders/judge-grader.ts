import { z } from 'zod';
import { FtmError } from '../../shared/errors.js';
import type { RunnerMessage } from '../../runners/model-runner.js';
import { JUDGE_FORMAT_NAME } from '../../runners/judge-format.js';
import type { ModelGradedGrader } from './grader-config.js';
import type { CompiledGrader, GradeEnv, GradeOutcome, GradeSubject } from './grader-types.js';

/** The JSON object the judge must answer with. */
export const JudgeVerdict = z.object({ score: z.number().min(0).max(1), reasoning: z.string().max(5_000) });
export type JudgeVerdict = z.infer<typeof JudgeVerdict>;

const JUDGE_SCHEMA = {
  type: 'object',
  properties: { score: { type: 'number', minimum: 0, maximum: 1 }, reasoning: { type: 'string' } },
  required: ['score', 'reasoning'],
  additionalProperties: false,
};

const SYSTEM = [
  'You are an impartial grader. You receive a JSON object with a rubric, the input a model was given,',
  'the output it produced and, when known, a reference answer. Score how well the output satisfies the',
  'rubric from 0 (not at all) to 1 (fully). Answer only with {"score": number, "reasoning": string}.',
].join(' ');

/** The judge prompt: the case as data, so an output cannot pose as instructions to the judge. */
export function judgeMessages(rubric: string, s: GradeSubject): RunnerMessage[] {
  const lastUser = [...s.input].reverse().find((m) => m.role === 'user')?.content ?? '';
  const payload = { rubric, input: lastUser, output: s.content ?? '', tool_calls: s.toolCalls.map((t) => t.function), expected: s.expectedOutput ?? undefined };
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: JSON.stringify(payload) },
  ];
}

/** The judge's answer as a verdict, or null when it is not the JSON asked for. */
export function parseJudgeAnswer(content: string | null): JudgeVerdict | null {
  if (content === null) return null;
  try {
    const parsed = JudgeVerdict.safeParse(JSON.parse(content));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A judge model scores the output against the rubric with its reasoning; passes at `pass_score`.
 * The judge's cost is returned so the run counts it (and its cost cap sees it).
 */
export function modelGraded(c: z.output<typeof ModelGradedGrader>, { name, weight }: { readonly name: string; readonly weight: number }): CompiledGrader {
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    async grade(s: GradeSubject, env: GradeEnv): Promise<GradeOutcome> {
      let answer;
      try {
        answer = await env.judge(
          c.judge_model,
          { messages: judgeMessages(c.rubric, s), responseFormat: { type: 'json_schema', json_schema: { name: JUDGE_FORMAT_NAME, schema: JUDGE_SCHEMA, strict: true } }, params: { temperature: 0 } },
          env.signal,
        );
      } catch (error) {
        if (!(error instanceof FtmError)) throw error;
        return { verdict: { grader: name, passed: false, score: 0, reason: `the judge model could not grade: ${error.message.slice(0, 200)}` }, costUsd: 0 };
      }
      const verdict = parseJudgeAnswer(answer.content);
      if (!verdict) return { verdict: { grader: name, passed: false, score: 0, reason: 'the judge answer is malformed (not {score, reasoning})' }, costUsd: answer.costUsd };
      const passed = verdict.score >= c.pass_score;
      return { verdict: { grader: name, passed, score: verdict.score, reason: verdict.reasoning.slice(0, 2_000) || `judge score ${verdict.score}` }, costUsd: answer.costUsd };
    },
  };
}
