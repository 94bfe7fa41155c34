import type { components } from '../../generated/api';

export type Problem = components['schemas']['Problem'];
export type InvalidParam = components['schemas']['InvalidParam'];

const PROBLEM_TYPE_PREFIX = 'urn:codex-api-bridge:problem:';

export function problemType(slug: string): string {
  return `${PROBLEM_TYPE_PREFIX}${slug}`;
}

/**
 * Base of every error a handler or middleware throws on purpose. The error middleware turns it
 * into an RFC 9457 body; nothing else decides a status code.
 */
export class ApiError extends Error {
  readonly headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly invalidParams: InvalidParam[] = [],
  ) {
    super(detail);
    this.name = new.target.name;
  }

  toProblem(instance: string): Problem {
    const problem: Problem = {
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
      detail: this.message,
      instance,
    };
    if (this.invalidParams.length > 0) problem.errors = this.invalidParams;
    return problem;
  }
}

export class ValidationError extends ApiError {
  constructor(detail: string, invalidParams: InvalidParam[] = []) {
    super(400, 'validation-error', 'Request is invalid', detail, invalidParams);
  }
}

export class UnauthorizedError extends ApiError {
  /** `bearerError: null` is for a request that sent no credentials at all. */
  constructor(detail: string, bearerError: 'invalid_request' | 'invalid_token' | null = 'invalid_token') {
    super(401, 'unauthorized', 'Authentication required', detail);
    // RFC 6750 §3: a request without credentials gets a bare challenge, a bad token names the error.
    this.headers['WWW-Authenticate'] = bearerError
      ? `Bearer realm="codex-api-bridge", error="${bearerError}", error_description="${detail.replace(/"/g, "'")}"`
      : 'Bearer realm="codex-api-bridge"';
  }
}

export class ForbiddenError extends ApiError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Access denied', detail);
    this.headers['WWW-Authenticate'] = 'Bearer realm="codex-api-bridge", error="insufficient_scope"';
  }
}

export class NotFoundError extends ApiError {
  constructor(detail: string, slug = 'not-found') {
    super(404, slug, 'Not found', detail);
  }
}

export class ThreadNotFoundError extends NotFoundError {
  constructor(readonly threadId: string) {
    super(`No thread '${threadId}' for this user`, 'thread-not-found');
  }
}

export class ConflictError extends ApiError {
  constructor(detail: string, slug = 'conflict') {
    super(409, slug, 'Conflict', detail);
  }
}

export class TurnInProgressError extends ConflictError {
  constructor(
    readonly threadId: string,
    readonly turnId: string,
  ) {
    super(`Thread '${threadId}' is already running turn '${turnId}'; wait for it or interrupt it`, 'turn-in-progress');
  }
}

export class TooManyRequestsError extends ApiError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, 'too-many-requests', 'Too many requests', detail);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(detail: string, retryAfterSeconds: number, slug = 'service-unavailable') {
    super(503, slug, 'Service unavailable', detail);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class BadGatewayError extends ApiError {
  constructor(detail: string, slug = 'codex-failed') {
    super(502, slug, 'Codex failed', detail);
  }
}
