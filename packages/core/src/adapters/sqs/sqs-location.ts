import { createHash } from 'node:crypto';
import { ValidationError } from '../../shared/errors.js';

/** Where the SQS queues of FTM live, as FTM_QUEUE_URL names them. */
export interface SqsLocation {
  /** The SQS endpoint (`https://sqs.eu-west-1.amazonaws.com`, or an emulator's origin). */
  readonly endpoint: string;
  /** The region in an AWS host name, when there is one. */
  readonly region?: string;
  /** The account in the URL path (`/123456789012/ftm`), when there is one: queues are looked up in it. */
  readonly accountId?: string;
  /** The queue name prefix in the URL path (its last segment), when there is one. */
  readonly prefix?: string;
}

const AWS_REGION_IN_HOST = /(?:^|\.)sqs[.-]([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

/**
 * Reads an SQS queue URL (`https://sqs.eu-west-1.amazonaws.com/123456789012/ftm`) or a bare
 * endpoint (`http://127.0.0.1:4566`): the origin is the endpoint, the path's last segment the
 * queue name prefix and the one before it the account.
 */
export function parseSqsUrl(url: string): SqsLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('not an SQS URL', [{ path: 'url', message: 'must be an http(s) URL' }]);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ValidationError('not an SQS URL', [{ path: 'url', message: 'must be an http(s) URL' }]);
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  if (segments.length > 2) throw new ValidationError('not an SQS URL', [{ path: 'url', message: 'the path is /<account>/<queue prefix> at most' }]);
  const prefix = segments.at(-1);
  if (prefix !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) {
    throw new ValidationError('not an SQS URL', [{ path: 'url', message: 'the queue prefix is 1 to 40 of A-Z a-z 0-9 _ -' }]);
  }
  const region = AWS_REGION_IN_HOST.exec(parsed.hostname)?.[1];
  return {
    endpoint: parsed.origin,
    ...(region ? { region } : {}),
    ...(segments.length === 2 ? { accountId: segments[0]! } : {}),
    ...(prefix ? { prefix } : {}),
  };
}

/** SQS queue names: 1 to 80 characters of A-Z a-z 0-9 _ -. */
const MAX_QUEUE_NAME = 80;

/**
 * The SQS queue of a job name: `<prefix>-<name>` with dots as dashes (`ftm-dataset-build`). A
 * job name with other characters, or too long, is cut and gets a digest suffix, so two job names
 * never share a queue.
 */
export function sqsQueueName(prefix: string, jobName: string): string {
  const plain = /^[A-Za-z0-9_.]+$/.test(jobName);
  const readable = `${prefix}-${jobName.replace(/\./g, '-')}`;
  if (plain && readable.length <= MAX_QUEUE_NAME) return readable;
  const digest = createHash('sha256').update(jobName).digest('hex').slice(0, 12);
  const safe = `${prefix}-${jobName.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return `${safe.slice(0, MAX_QUEUE_NAME - digest.length - 2)}--${digest}`;
}
