/**
 * Error hierarchy of the SDK: `FtmError → ApiError → one class per status`, plus the
 * connection, timeout and abort errors that carry no status. `ApiError.generate()` is the only
 * place a status becomes a class, so callers can `instanceof` reliably.
 */

/** A field-level validation failure reported by the API (400). */
export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

/** A gate verdict reported with a 409 gate denial. */
export interface ProblemGate {
  readonly gate: string;
  readonly verdict: string;
  readonly reason?: string;
  readonly decision_id?: string;
}

/** RFC 9457 problem body as the FTM API sends it. */
export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly request_id?: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly gates?: readonly ProblemGate[];
  readonly [key: string]: unknown;
}

/**
 * Root of every error the SDK throws on purpose.
 * @example
 * try { await ftm.datasets.get(id); } catch (e) { if (e instanceof FtmError) console.error(e.message); }
 */
export class FtmError extends Error {
  override readonly name: string = 'FtmError';
}

/**
 * An error answer from the API, or a failure to get one (connection, timeout, abort).
 * @example
 * try { await ftm.datasets.get(id); } catch (e) { if (e instanceof ApiError) console.error(e.status, e.type, e.code, e.requestId); }
 */
export class ApiError extends FtmError {
  override readonly name: string = 'ApiError';
  /** HTTP status; undefined when no response arrived. */
  readonly status: number | undefined;
  /** The parsed problem+json body, when the server sent one. */
  readonly error: ProblemDetails | undefined;
  /** Stable machine code from the problem body, e.g. `not_found`, `gate_denied`. */
  readonly code: string | undefined;
  /** The problem `type` URI (RFC 9457), e.g. `https://ftm.dev/problems/gate-denied`. */
  readonly type: string | undefined;
  /** `X-Request-Id` of the failed request (or `request_id` from the body). */
  readonly requestId: string | undefined;
  /** Response headers, lower-cased. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number | undefined, error: ProblemDetails | undefined, message: string | undefined, headers: Headers | Record<string, string> | undefined) {
    super(ApiError.makeMessage(status, error, message));
    this.status = status;
    this.error = error;
    this.headers = headers ? normaliseHeaders(headers) : undefined;
    this.code = typeof error?.code === 'string' ? error.code : undefined;
    this.type = typeof error?.type === 'string' ? error.type : undefined;
    this.requestId = this.headers?.['x-request-id'] ?? (typeof error?.request_id === 'string' ? error.request_id : undefined);
  }

  /** Field errors of a 400, if any. */
  get fieldErrors(): readonly ProblemFieldError[] {
    return Array.isArray(this.error?.errors) ? this.error.errors : [];
  }

  /** Gate verdicts of a 409 gate denial, if any. */
  get gates(): readonly ProblemGate[] {
    return Array.isArray(this.error?.gates) ? this.error.gates : [];
  }

  private static makeMessage(status: number | undefined, error: ProblemDetails | undefined, message: string | undefined): string {
    const detail = error?.detail ?? error?.title ?? message;
    if (status && detail) return `${status} ${detail}`;
    if (status) return `${status} status code (no body)`;
    return detail ?? '(no status code or body)';
  }

  /**
   * Builds the error class that matches a response status; the one factory for API errors.
   * @example
   * const response = new Response(null, { status: 404, headers: { 'x-request-id': 'req_1' } });
   * throw ApiError.generate(404, { code: 'not_found', detail: 'dataset x was not found' }, undefined, response.headers);
   */
  static generate(status: number | undefined, error: ProblemDetails | undefined, message: string | undefined, headers: Headers | Record<string, string> | undefined): ApiError {
    if (status === undefined) return new ApiConnectionError({ message });
    if (status === 400) return new BadRequestError(status, error, message, headers);
    if (status === 401) return new AuthenticationError(status, error, message, headers);
    if (status === 403) return new PermissionDeniedError(status, error, message, headers);
    if (status === 404) return new NotFoundError(status, error, message, headers);
    if (status === 409) return new ConflictError(status, error, message, headers);
    if (status === 422) return new UnprocessableEntityError(status, error, message, headers);
    if (status === 429) return new RateLimitError(status, error, message, headers);
    if (status >= 500) return new InternalServerError(status, error, message, headers);
    return new ApiError(status, error, message, headers);
  }
}

/** 400: the request failed validation; see `fieldErrors`. */
export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
}
/** 401: missing, unknown, expired or revoked API key. */
export class AuthenticationError extends ApiError {
  override readonly name = 'AuthenticationError';
}
/** 403: the key's role or governance forbids the action. */
export class PermissionDeniedError extends ApiError {
  override readonly name = 'PermissionDeniedError';
}
/** 404: no such resource in this tenant. */
export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
}
/** 409: conflict, gate denial (see `gates`) or an idempotency key still in flight. */
export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
}
/** 422: the Idempotency-Key was reused with a different request. */
export class UnprocessableEntityError extends ApiError {
  override readonly name = 'UnprocessableEntityError';
}
/** 429: rate limited; the SDK already retried honouring Retry-After. */
export class RateLimitError extends ApiError {
  override readonly name = 'RateLimitError';
}
/** 5xx: the server or one of its dependencies failed. */
export class InternalServerError extends ApiError {
  override readonly name = 'InternalServerError';
}

/**
 * No response arrived (DNS, refused connection, reset, dropped stream).
 * @example
 * try { await ftm.system.health(); } catch (e) { if (e instanceof ApiConnectionError) console.error('is the server up?', e.cause); }
 */
export class ApiConnectionError extends ApiError {
  override readonly name: string = 'ApiConnectionError';
  constructor({ message, cause }: { message?: string | undefined; cause?: unknown } = {}) {
    super(undefined, undefined, message ?? 'Connection error.', undefined);
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * The request (or a wait) took longer than its timeout.
 * @example
 * try { await ftm.datasets.get(id, { timeoutMs: 5_000 }); } catch (e) { if (e instanceof ApiTimeoutError) console.error('timed out'); }
 */
export class ApiTimeoutError extends ApiConnectionError {
  override readonly name = 'ApiTimeoutError';
  constructor({ message, cause }: { message?: string; cause?: unknown } = {}) {
    super({ message: message ?? 'Request timed out.', cause });
  }
}

/**
 * The caller aborted the request through its `signal`.
 * @example
 * try { await ftm.datasets.get(id, { signal }); } catch (e) { if (!(e instanceof ApiUserAbortError)) throw e; }
 */
export class ApiUserAbortError extends ApiError {
  override readonly name = 'ApiUserAbortError';
  constructor({ message }: { message?: string } = {}) {
    super(undefined, undefined, message ?? 'Request was aborted.', undefined);
  }
}

function normaliseHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((value, key) => {
      out[key.toLowerCase()] = value;
    });
    return out;
  }
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}
