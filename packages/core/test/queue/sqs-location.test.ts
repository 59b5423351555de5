import { describe, expect, it } from 'vitest';
import { parseSqsUrl, sqsQueueName } from '../../src/adapters/sqs/sqs-location.js';
import { ValidationError } from '../../src/shared/errors.js';

describe('parseSqsUrl', () => {
  it('reads endpoint, region, account and prefix from an AWS queue URL', () => {
    expect(parseSqsUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/ftm-prod')).toEqual({
      endpoint: 'https://sqs.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      accountId: '123456789012',
      prefix: 'ftm-prod',
    });
  });

  it('takes a bare endpoint (an emulator) with no region, account or prefix', () => {
    expect(parseSqsUrl('http://127.0.0.1:4566')).toEqual({ endpoint: 'http://127.0.0.1:4566' });
  });

  it('reads the region of a VPC endpoint host', () => {
    expect(parseSqsUrl('https://vpce-0a1b.sqs.us-gov-west-1.vpce.amazonaws.com/ftm').region).toBe('us-gov-west-1');
  });

  it('refuses what is not an SQS queue URL', () => {
    for (const bad of ['redis://x:6379', 'not a url', 'https://sqs.x/a/b/c', 'https://sqs.x/1/bad.prefix']) {
      expect(() => parseSqsUrl(bad)).toThrow(ValidationError);
    }
  });
});

describe('sqsQueueName', () => {
  it('spells a plain job name with dashes for dots', () => {
    expect(sqsQueueName('ftm', 'dataset.build')).toBe('ftm-dataset-build');
    expect(sqsQueueName('ftm', 'ft_job.poll')).toBe('ftm-ft_job-poll');
  });

  it('gives names SQS would refuse, or that are too long, a digest suffix and keeps them apart', () => {
    const a = sqsQueueName('ftm', 'a/b');
    const b = sqsQueueName('ftm', 'a:b');
    const long = sqsQueueName('ftm', 'x'.repeat(200));
    for (const name of [a, b, long]) expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(a).not.toBe(b);
    expect(sqsQueueName('ftm', 'a-b')).not.toBe(sqsQueueName('ftm', 'a.b'));
  });
});
