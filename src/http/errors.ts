import type { components } from '../../generated/api';
import type { DomainError, ErrorKind } from '../errors';

export type Problem = components['schemas']['Problem'];
export type InvalidParam = components['schemas']['InvalidParam'];

const PROBLEM_TYPE_PREFIX = 'urn:codex-api-bridge:problem:';

export function problemType(slug: string): string {
  return `${PROBLEM_TYPE_PREFIX}${slug}`;
}

const KIND_STATUS: Record<ErrorKind, { status: number; title: string }> = {
  'invalid-input': { status: 400, title: 'Request is invalid' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Access denied' },
  'not-found': { status: 404, title: 'Not found' },
  gone: { status: 410, title: 'Gone' },
  conflict: { status: 409, title: 'Conflict' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  'upstream-failed': { status: 502, title: 'Codex failed' },
  unavailable: { status: 503, title: 'Service unavailable' },
};

/** A problem that only exists at the HTTP level (media types, body sizes, aborted requests). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export interface ProblemAnswer {
  problem: Problem;
  headers: Record<string, string>;
}

function bearerChallenge(error: DomainError): string | undefined {
  if (error.kind === 'forbidden' && error.slug === 'forbidden')
    return 'Bearer realm="codex-api-bridge", error="insufficient_scope"';
  if (error.kind !== 'unauthenticated') return undefined;
  const bearerError = 'bearerError' in error ? (error.bearerError as string | null) : 'invalid_token';
  return bearerError
    ? `Bearer realm="codex-api-bridge", error="${bearerError}", error_description="${error.message.replace(/"/g, "'")}"`
    : 'Bearer realm="codex-api-bridge"';
}

/** The one mapping from a domain error to its RFC 9457 body and headers. */
export function problemFor(error: DomainError | HttpProblem, instance: string): ProblemAnswer {
  if (error instanceof HttpProblem) {
    return {
      problem: { type: problemType(error.slug), title: error.title, status: error.status, detail: error.message, instance },
      headers: {},
    };
  }
  const { status, title } = KIND_STATUS[error.kind];
  const problem: Problem = { type: problemType(error.slug), title, status, detail: error.message, instance };
  if (error.invalidParams.length > 0) problem.errors = error.invalidParams;
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  const challenge = bearerChallenge(error);
  if (challenge) headers['WWW-Authenticate'] = challenge;
  return { problem, headers };
}
