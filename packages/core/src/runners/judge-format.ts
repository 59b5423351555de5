/**
 * `response_format` name of FTM's judge prompt (evals' model-graded grader sends it). A runner may
 * recognise it: the simulated runner answers such a request with a verdict instead of prose.
 */
export const JUDGE_FORMAT_NAME = 'ftm_judge_verdict';
