/**
 * The errors the codex, auth and config layers throw on purpose. They say what went wrong in the
 * domain's words; the HTTP layer alone decides the status code and the problem body (src/http/errors.ts).
 */

export interface InvalidParam {
  /** Where the problem is, e.g. `/body/approval_policy` or `/query/limit`. */
  field: string;
  message: string;
}

export type ErrorKind =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'gone'
  | 'conflict'
  | 'rate-limited'
  | 'internal'
  | 'upstream-failed'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(
    /** Names the problem type: `urn:codex-api-bridge:problem:<slug>`. */
    readonly slug: string,
    detail: string,
    readonly invalidParams: InvalidParam[] = [],
    /** For rate limits and outages: when the caller may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid-input';
  constructor(detail: string, invalidParams: InvalidParam[] = []) {
    super('validation-error', detail, invalidParams);
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthenticated';
  /** `bearerError: null` is for a request that sent no credentials at all (RFC 6750 §3: a bare challenge). */
  constructor(
    detail: string,
    readonly bearerError: 'invalid_request' | 'invalid_token' | null = 'invalid_token',
  ) {
    super('unauthorized', detail);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(detail: string, invalidParams: InvalidParam[] = [], slug = 'forbidden') {
    super(slug, detail, invalidParams);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(detail: string, slug = 'not-found') {
    super(slug, detail);
  }
}

export class ThreadNotFoundError extends NotFoundError {
  constructor(readonly threadId: string) {
    super(`No thread '${threadId}' for this user`, 'thread-not-found');
  }
}

/** It existed, but the bridge dropped it (to bound memory); asking again will not bring it back. */
export class GoneError extends DomainError {
  readonly kind = 'gone';
  constructor(detail: string, slug = 'gone') {
    super(slug, detail);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(detail: string, slug = 'conflict') {
    super(slug, detail);
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

export class TooManyRequestsError extends DomainError {
  readonly kind = 'rate-limited';
  constructor(detail: string, retryAfterSeconds: number, slug = 'too-many-requests') {
    super(slug, detail, [], retryAfterSeconds);
  }
}

/** Something the bridge keeps for itself is broken (e.g. a record on disk that fails its schema). */
export class InternalError extends DomainError {
  readonly kind = 'internal';
  constructor(detail: string, slug = 'internal-error') {
    super(slug, detail);
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(detail: string, retryAfterSeconds: number, slug = 'service-unavailable') {
    super(slug, detail, [], retryAfterSeconds);
  }
}

export class BadGatewayError extends DomainError {
  readonly kind = 'upstream-failed';
  constructor(detail: string, slug = 'codex-failed') {
    super(slug, detail);
  }
}
