/**
 * `@ftm/sdk`: the typed client for the FTM API.
 * @example
 * import { Ftm } from '@ftm/sdk';
 * const ftm = new Ftm(); // FTM_BASE_URL and FTM_API_KEY from the environment
 */
export { Ftm } from './client.js';
export { Ftm as default } from './client.js';
export type { FtmOptions, RequestOptions, RetryInfo } from './core/client-options.js';
export {
  FtmError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ApiConnectionError,
  ApiTimeoutError,
  ApiUserAbortError,
  type ProblemDetails,
  type ProblemFieldError,
  type ProblemGate,
} from './core/errors.js';
export { WebhookVerificationError, type WebhookVerificationErrorCode } from './webhooks/webhook-error.js';
export { ApiPromise, type ApiResponse } from './core/api-promise.js';
export type { WithRequestId } from './core/request-id.js';
export { Page, PagePromise, type PageResponse } from './core/pagination.js';
export { EventStream, type ReconnectOptions } from './core/event-stream.js';
export type { WaitOptions } from './core/wait.js';
export { isStreamEvent, type EventStreamOptions, type StreamEventOf, type StreamEventType } from './resources/events.js';
export type { UploadBody } from './resources/uploads.js';
export { DATASET_TERMINAL_STATUSES, type DatasetTerminalStatus } from './resources/datasets.js';
export { FT_JOB_TERMINAL_STATUSES, type FtJobTerminalStatus } from './resources/ft-jobs.js';
export { EVAL_RUN_TERMINAL_STATUSES, type EvalRunTerminalStatus } from './resources/eval-runs.js';
export { OPERATION_METHODS } from './operation-methods.js';
export type * from './types.js';
