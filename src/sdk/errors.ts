import type { Problem } from './types';

/**
 * A non-2xx answer of the bridge. `problem` is its RFC 9457 body; when the body was not a
 * problem (say, an HTML page from a proxy) it is an `about:blank` problem built from the status.
 */
export class BridgeProblemError extends Error {
  readonly status: number;
  /** Seconds to wait before retrying, from `Retry-After` (sent with 503), if present. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly problem: Problem,
    readonly headers: Headers,
  ) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = 'BridgeProblemError';
    this.status = problem.status;
    this.retryAfterSeconds = parseRetryAfter(headers.get('Retry-After'));
  }
}

/**
 * A 2xx answer that breaks the contract: a stream cut before `[DONE]` (resume it with
 * `streamTurnEvents` and the last id seen), an event without a numeric id, or an unexpected body.
 */
export class BridgeProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeProtocolError';
  }
}

export function problemErrorFrom(response: Response, body: unknown): BridgeProblemError {
  const problem: Problem = isProblem(body)
    ? body
    : {
        type: 'about:blank',
        title: response.statusText || `HTTP ${response.status}`,
        status: response.status,
        detail:
          typeof body === 'string' && body !== ''
            ? body.slice(0, 500)
            : `HTTP ${response.status} without a problem body`,
      };
  return new BridgeProblemError(problem, response.headers);
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return (
    typeof candidate.type === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.status === 'number' &&
    typeof candidate.detail === 'string'
  );
}

/** RFC 9110 allows seconds or an HTTP date; both become seconds from now. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
