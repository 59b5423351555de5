import type { ModelRetirement } from '@ftm/sdk';

/** The API's retirement of a model version or pointer as one warning line. */
export function retirementText(r: ModelRetirement): string {
  const what = r.kind === 'model_retires' ? 'the model stops serving' : 'the provider ends new fine-tuning';
  const when = r.days_left < 0 ? `${-r.days_left} days ago` : r.days_left === 0 ? 'today' : `in ${r.days_left} days`;
  return `${what} on ${r.date} (${when})${r.note ? `: ${r.note}` : ''}`;
}
