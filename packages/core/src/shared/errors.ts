/** Root of every error FTM raises on purpose; anything else is a bug. */
export class FtmError extends Error {
  override readonly name: string = 'FtmError';
}

/** Verdict of one gate (governance, cost, readiness…) kept with the error and the resource. */
export interface GateVerdict {
  readonly gate: string;
  readonly verdict: 'pass' | 'deny' | 'pending' | 'skipped';
  readonly reason?: string;
  readonly decisionId?: string;
}

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** A domain error carries a stable machine code that transports map to a status. */
export abstract class DomainError extends FtmError {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
  /**
   * @param field the request field that named the missing resource (`ft_job_id` in a body), so
   *   the answer can say which reference was wrong; absent for the resource of the path.
   */
  constructor(
    readonly resource: string,
    readonly id?: string,
    readonly field?: string,
  ) {
    super(id ? `${resource} ${id} was not found` : `${resource} was not found`);
  }
}

export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly code: string = 'conflict',
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends DomainError {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'payload_too_large';
  constructor(readonly limitBytes: number) {
    super(`payload exceeds the limit of ${limitBytes} bytes`);
  }
}

export class UnauthorizedError extends DomainError {
  override readonly name = 'UnauthorizedError';
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
  readonly code = 'forbidden';
}

/** A gate said no (or not yet); every gate's verdict travels with the error. */
export class GateDeniedError extends DomainError {
  override readonly name = 'GateDeniedError';
  readonly code = 'gate_denied';
  constructor(
    message: string,
    readonly gates: readonly GateVerdict[],
  ) {
    super(message);
  }
}

export class InvalidTransitionError extends DomainError {
  override readonly name = 'InvalidTransitionError';
  readonly code = 'invalid_transition';
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly event: string,
  ) {
    super(`${entity} cannot go from '${from}' by '${event}'`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('this Idempotency-Key was already used with a different request');
  }
}

export class IdempotencyKeyInFlightError extends DomainError {
  override readonly name = 'IdempotencyKeyInFlightError';
  readonly code = 'idempotency_key_in_flight';
  constructor() {
    super('a request with this Idempotency-Key is still being processed');
  }
}

export class RateLimitedError extends DomainError {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

/** A dependency (database, queue, Orchestrator, provider) cannot be reached right now. */
export class DependencyUnavailableError extends DomainError {
  override readonly name = 'DependencyUnavailableError';
  readonly code = 'dependency_unavailable';
  constructor(
    readonly dependency: string,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? `${dependency} is unavailable`);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** Thrown by job handlers to fail a queue job at once, without retries. */
export class UnrecoverableError extends FtmError {
  override readonly name = 'UnrecoverableError';
}
