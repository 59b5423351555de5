import { CronExpressionParser } from 'cron-parser';
import { ValidationError } from '../shared/errors.js';

/**
 * Checks a five-field cron expression (minute hour day-of-month month day-of-week, UTC); anything
 * else — six fields, unknown aliases, out-of-range values — is a ValidationError on `schedule.cron`.
 */
export function assertCron(expression: string): void {
  const invalid = (message: string) => new ValidationError('schedule.cron is not a valid cron expression', [{ path: 'schedule.cron', message }]);
  if (expression.trim().split(/\s+/).length !== 5) throw invalid('use five fields: minute hour day-of-month month day-of-week');
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
  } catch (error) {
    throw invalid((error as Error).message.slice(0, 200));
  }
}

/** The first time the cron fires strictly after `after` (UTC). */
export function nextCronRun(expression: string, after: Date): Date {
  return CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
}
