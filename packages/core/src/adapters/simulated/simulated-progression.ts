import { createHash } from 'node:crypto';
import type { ProviderCheckpoint, ProviderEvent, ProviderJobStatus } from '../../providers/fine-tune-provider.js';

/** How long the simulated provider spends in each status, in ms. */
export interface SimulatedTimings {
  readonly validatingMs: number;
  readonly queuedMs: number;
  readonly runningMs: number;
}

/** The defaults: a job finishes about 40 seconds after creation. */
export const DEFAULT_SIMULATED_TIMINGS: SimulatedTimings = { validatingMs: 5_000, queuedMs: 5_000, runningMs: 30_000 };

/** What the progression needs to know of a stored simulated job. */
export interface SimulatedJobFacts {
  readonly id: string;
  readonly model: string;
  readonly suffix: string | null;
  readonly trainingFile: string;
  /** The validation file, when the job has one: its metrics events then carry `valid_loss` too. */
  readonly validationFile: string | null;
  readonly nEpochs: number;
  readonly exampleCount: number;
  readonly tokenCount: number;
  readonly failAt: 'validating_files' | 'queued' | 'running' | null;
  readonly createdAt: Date;
  readonly cancelledAt: Date | null;
}

/** The job's state as seen at one instant. */
export interface SimulatedSnapshot {
  readonly status: ProviderJobStatus;
  readonly finishedAt: Date | null;
  readonly estimatedFinish: Date | null;
  readonly fineTunedModel: string | null;
  readonly trainedTokens: number | null;
  readonly error: { readonly code: string; readonly message: string; readonly param: null } | null;
  readonly events: readonly ProviderEvent[];
  readonly checkpoints: readonly ProviderCheckpoint[];
}

const PHASES = ['validating_files', 'queued', 'running'] as const;
const METRIC_EVENTS = 10;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `ft:<base>:ftm-sim:<suffix>:<hash of job>`, shaped like OpenAI's fine-tuned model ids. */
export function simulatedModelId(job: Pick<SimulatedJobFacts, 'id' | 'model' | 'suffix'>): string {
  return `ft:${job.model}:ftm-sim:${job.suffix ?? ''}:${shortHash(job.id)}`;
}

/** A deterministic, gently falling training loss. */
function lossAt(jobId: string, step: number, total: number): number {
  const wobble = (parseInt(shortHash(`${jobId}:${step}`), 16) % 1000) / 20_000;
  return Math.round((0.3 + 1.7 * Math.exp((-3 * step) / Math.max(1, total)) + wobble) * 10_000) / 10_000;
}

/**
 * Where a simulated job is at `now`: a pure function of its stored facts and the timings, so any
 * process (and any restart) sees the same progression, events and checkpoints.
 */
export function simulateJob(job: SimulatedJobFacts, now: Date, timings: SimulatedTimings): SimulatedSnapshot {
  const t0 = job.createdAt.getTime();
  const ends = { validating_files: t0 + timings.validatingMs, queued: t0 + timings.validatingMs + timings.queuedMs, running: t0 + timings.validatingMs + timings.queuedMs + timings.runningMs };
  const events: ProviderEvent[] = [];
  const checkpoints: ProviderCheckpoint[] = [];
  const at = now.getTime();
  const event = (time: number, message: string, type: 'message' | 'metrics' = 'message', level: 'info' | 'error' = 'info', data: Record<string, unknown> | null = null) => {
    if (time <= at) events.push({ id: `ftevent-${job.id}-${String(events.length).padStart(4, '0')}`, createdAt: new Date(time), level, message, type, data });
  };
  const cancelAt = job.cancelledAt?.getTime() ?? Infinity;
  const failAt = job.failAt ? ends[job.failAt] : Infinity;
  const endAt = Math.min(ends.running, failAt, cancelAt);
  const horizon = Math.min(at, endAt);
  // Succeeding at the end of `running`, as opposed to failing or being cancelled first.
  const naturalEnd = endAt === ends.running && cancelAt > endAt && failAt > endAt;
  const reached = (time: number) => time < endAt || naturalEnd;

  event(t0, `Created fine-tuning job: ${job.id}`);
  event(t0, `Validating training file: ${job.trainingFile}`);
  if (reached(ends.validating_files)) event(ends.validating_files, 'Files validated, moving job to queued state');
  if (reached(ends.queued)) event(ends.queued, 'Fine-tuning job started');
  const totalSteps = Math.max(1, job.nEpochs * job.exampleCount);
  const runStart = ends.queued;
  for (let i = 1; i <= METRIC_EVENTS; i++) {
    const time = runStart + Math.floor((timings.runningMs * i) / (METRIC_EVENTS + 1));
    if (time >= endAt || time > horizon) break;
    const step = Math.ceil((totalSteps * i) / (METRIC_EVENTS + 1));
    const loss = lossAt(job.id, step, totalSteps);
    // Like OpenAI's metrics events, which carry the validation loss when the job has a validation file.
    const validLoss = job.validationFile ? { valid_loss: lossAt(`${job.id}:valid`, step, totalSteps) } : {};
    event(time, `Step ${step}/${totalSteps}: training loss=${loss}`, 'metrics', 'info', { step, total_steps: totalSteps, train_loss: loss, ...validLoss });
  }
  // Like OpenAI, checkpoints of the last three epochs are kept.
  for (let epoch = Math.max(1, job.nEpochs - 2); epoch <= job.nEpochs; epoch++) {
    const time = runStart + Math.floor((timings.runningMs * epoch) / job.nEpochs);
    if (time > horizon || !reached(time)) continue;
    const step = Math.round((totalSteps * epoch) / job.nEpochs);
    checkpoints.push({
      id: `ftckpt-${shortHash(`${job.id}:${epoch}`)}`,
      createdAt: new Date(time),
      fineTunedModelCheckpoint: `${simulatedModelId(job)}:ckpt-step-${step}`,
      stepNumber: step,
      metrics: { step, train_loss: lossAt(job.id, step, totalSteps), full_valid_loss: lossAt(`${job.id}:valid`, step, totalSteps) },
    });
  }

  let status: ProviderJobStatus = PHASES.find((p) => at < ends[p]) ?? 'succeeded';
  let finishedAt: Date | null = null;
  let error: SimulatedSnapshot['error'] = null;
  if (at >= endAt) {
    finishedAt = new Date(endAt);
    if (endAt === cancelAt) {
      status = 'cancelled';
      event(endAt, 'Fine-tuning job cancelled');
    } else if (!naturalEnd && job.failAt) {
      status = 'failed';
      error = { code: 'simulated_failure', message: `The simulated provider failed this job during ${job.failAt} (injected failure).`, param: null };
      event(endAt, `Fine-tuning job failed: ${error.message}`, 'message', 'error');
    } else {
      status = 'succeeded';
      event(endAt, `New fine-tuned model created: ${simulatedModelId(job)}`);
      event(endAt, 'The job has successfully completed');
    }
  }
  return {
    status,
    finishedAt,
    estimatedFinish: finishedAt ? null : new Date(ends.running),
    fineTunedModel: status === 'succeeded' ? simulatedModelId(job) : null,
    trainedTokens: status === 'succeeded' ? job.nEpochs * job.tokenCount : null,
    error,
    events,
    checkpoints,
  };
}
