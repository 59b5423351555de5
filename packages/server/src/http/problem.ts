import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  GateDeniedError,
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
  type FieldError,
  type GateVerdict,
} from '@ftm/core';

/** RFC 9457 problem details as FTM sends them (`application/problem+json`). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly request_id: string;
  readonly errors?: readonly FieldError[];
  readonly gates?: readonly { gate: string; verdict: string; reason?: string; decision_id?: string }[];
  readonly [extension: string]: unknown;
}

/** A problem plus the headers that go with it (Retry-After). */
export interface ProblemResponse {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

const KNOWN = [
  NotFoundError,
  ConflictError,
  ValidationError,
  PayloadTooLargeError,
  UnauthorizedError,
  ForbiddenError,
  GateDeniedError,
  InvalidTransitionError,
  IdempotencyKeyReusedError,
  IdempotencyKeyInFlightError,
  RateLimitedError,
  DependencyUnavailableError,
] as const;
type KnownError = InstanceType<(typeof KNOWN)[number]>;

/** The domain errors the API maps to a status; anything else is a 500. */
export function asKnownError(error: unknown): KnownError | null {
  return KNOWN.some((cls) => error instanceof cls) ? (error as KnownError) : null;
}

/**
 * A problem body; `type` is derived from the code. Extension members come first so that no
 * error's details (an approval's `status`, say) can replace a reserved member: the status an
 * error handler sends is always this function's own.
 */
export function problem(status: number, code: string, title: string, detail: string, requestId: string, extra: Partial<Problem> = {}): Problem {
  return { ...extra, type: `https://ftm.dev/problems/${code.replace(/_/g, '-')}`, title, status, detail, code, request_id: requestId };
}

const gatesOf = (gates: readonly GateVerdict[]) =>
  gates.map((g) => ({
    gate: g.gate,
    verdict: g.verdict,
    ...(g.reason !== undefined ? { reason: g.reason } : {}),
    ...(g.decisionId !== undefined ? { decision_id: g.decisionId } : {}),
  }));

/** Maps every domain error the core raises on purpose to its status and body, exhaustively. */
export function problemForDomainError(error: KnownError, requestId: string): ProblemResponse {
  const none = {};
  switch (error.name) {
    case 'ValidationError':
      return { problem: problem(400, error.code, 'Validation failed', error.message, requestId, { errors: error.fieldErrors }), headers: none };
    case 'UnauthorizedError':
      return { problem: problem(401, error.code, 'Unauthorized', error.message, requestId), headers: { 'www-authenticate': 'Bearer' } };
    case 'ForbiddenError':
      return { problem: problem(403, error.code, 'Forbidden', error.message, requestId), headers: none };
    case 'NotFoundError':
      return {
        problem: problem(404, error.code, 'Not found', error.message, requestId, error.field ? { errors: [{ path: error.field, message: `no such ${error.resource} in this tenant` }] } : {}),
        headers: none,
      };
    case 'ConflictError':
      return { problem: problem(409, error.code, 'Conflict', error.message, requestId, error.details ?? {}), headers: none };
    case 'GateDeniedError':
      return { problem: problem(409, error.code, 'Gate denied', error.message, requestId, { gates: gatesOf(error.gates) }), headers: none };
    case 'InvalidTransitionError':
      return { problem: problem(409, error.code, 'Invalid transition', error.message, requestId), headers: none };
    case 'IdempotencyKeyInFlightError':
      return { problem: problem(409, error.code, 'Request in flight', error.message, requestId), headers: { 'retry-after': '1' } };
    case 'PayloadTooLargeError':
      return { problem: problem(413, error.code, 'Payload too large', error.message, requestId), headers: none };
    case 'IdempotencyKeyReusedError':
      return { problem: problem(422, error.code, 'Idempotency key reused', error.message, requestId), headers: none };
    case 'RateLimitedError':
      return {
        problem: problem(429, error.code, 'Too many requests', error.message, requestId),
        headers: { 'retry-after': String(Math.max(0, Math.ceil(error.retryAfterSec))) },
      };
    case 'DependencyUnavailableError':
      return { problem: problem(503, error.code, 'Service unavailable', `${error.dependency} is unavailable; retry later`, requestId), headers: { 'retry-after': '5' } };
    default: {
      const unreachable: never = error;
      throw new Error(`unmapped error ${String(unreachable)}`);
    }
  }
}

// Connection-level failures of the database (or any socket) mean "try again", not "bug".
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);

/**
 * Maps anything thrown while serving a request. Fastify's own 4xx (bad JSON, media type, body
 * size) become problems too; unknown errors are a generic 500 whose details stay in the log.
 */
export function problemFor(error: unknown, requestId: string): ProblemResponse {
  const known = asKnownError(error);
  if (known) return problemForDomainError(known, requestId);
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code)) {
    return problemForDomainError(new DependencyUnavailableError('database'), requestId);
  }
  const database = problemForDatabaseError(error, code, requestId);
  if (database) return database;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return { problem: problem(413, 'payload_too_large', 'Payload too large', 'the request body is larger than this route accepts', requestId), headers: {} };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    const errors = [{ path: 'Content-Type', message: 'send application/json' }];
    return { problem: problem(400, 'validation_failed', 'Validation failed', 'unsupported content type', requestId, { errors }), headers: {} };
  }
  if (code === 'FST_ERR_BAD_URL') {
    const errors = [{ path: 'url', message: 'not a valid URL (malformed percent-encoding)' }];
    return { problem: problem(400, 'validation_failed', 'Validation failed', 'the request URL is not valid', requestId, { errors }), headers: {} };
  }
  if (status >= 400 && status < 500) {
    // Fastify's parser messages are safe but terse; give one field error for the body.
    const detail = code.startsWith('FST_ERR_CTP') || error instanceof SyntaxError ? 'the request body is not valid JSON' : 'the request is not valid';
    return {
      problem: problem(400, 'validation_failed', 'Validation failed', detail, requestId, { errors: [{ path: '', message: detail }] }),
      headers: {},
    };
  }
  return { problem: problem(500, 'internal_error', 'Internal error', 'an unexpected error occurred; it has been logged', requestId), headers: {} };
}

/**
 * Constraint and data errors of the database that a request's values caused, when no use case
 * caught them first (a reference deleted meanwhile, a value PostgreSQL cannot store): the caller's
 * fault, so a 4xx naming the column when PostgreSQL says which; never the SQL or the row.
 */
function problemForDatabaseError(error: unknown, code: string, requestId: string): ProblemResponse | null {
  if (!/^[0-9A-Z]{5}$/.test(code)) return null;
  const { detail, column } = error as { detail?: unknown; column?: unknown };
  // PostgreSQL's detail reads `Key (ft_job_id)=(…) is not present in table "ft_jobs".`
  const key = typeof detail === 'string' ? /^Key \(([a-z_]+)\)=/.exec(detail)?.[1] : undefined;
  const field = key ?? (typeof column === 'string' ? column : '');
  if (code === '23503') {
    const errors = [{ path: field, message: 'refers to nothing in this tenant' }];
    return { problem: problem(404, 'not_found', 'Not found', field ? `${field} refers to nothing in this tenant` : 'a referenced resource was not found', requestId, { errors }), headers: {} };
  }
  if (code === '23505') {
    return { problem: problem(409, 'conflict', 'Conflict', field ? `a resource with this ${field} already exists` : 'the resource already exists', requestId), headers: {} };
  }
  // Class 22 (data exception: a NUL byte, a number out of range, a string too long…) and 23502/23514.
  if (code.startsWith('22') || code === '23502' || code === '23514') {
    const errors = [{ path: field, message: 'this value cannot be stored' }];
    return { problem: problem(400, 'validation_failed', 'Validation failed', 'a value in the request cannot be stored', requestId, { errors }), headers: {} };
  }
  return null;
}

/** The problem of any error, and a generic 500 if even mapping it fails: the body is always problem+json. */
export function safeProblemFor(error: unknown, requestId: string): ProblemResponse {
  try {
    const mapped = problemFor(error, requestId);
    const { status } = mapped.problem;
    if (Number.isInteger(status) && status >= 400 && status <= 599) return mapped;
  } catch {
    // fall through to the generic answer; the caller logs the original error
  }
  return { problem: problem(500, 'internal_error', 'Internal error', 'an unexpected error occurred; it has been logged', requestId), headers: {} };
}
