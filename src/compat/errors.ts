import { ThreadNotFoundError } from '../errors';
import type { Problem } from '../http/errors';

/** A FastAPI error body: `{"detail": "..."}`, or the 422's list for a body or parameter that does not fit. */
export interface OriginalErrorAnswer {
  status: number;
  body: { detail: string } | { detail: Array<{ loc: Array<string | number>; msg: string; type: string }> };
}

/** `/body/messages/0/content` -> `["body", "messages", 0, "content"]`, FastAPI's `loc`. */
function locOf(field: string): Array<string | number> {
  return field
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * The original's error for a problem. `requestShape`: the validator or the JSON parser refused the request,
 * which FastAPI answers with 422 (also for a body that is not JSON at all: it never answers 415).
 */
export function originalError(problem: Problem, requestShape: boolean, error?: unknown): OriginalErrorAnswer {
  if (error instanceof ThreadNotFoundError) return { status: 404, body: { detail: `Thread not found: ${error.threadId}` } };
  if (requestShape && (problem.status === 400 || problem.status === 415)) {
    const fields = problem.errors?.length ? problem.errors : [{ field: '/body', message: problem.detail }];
    return {
      status: 422,
      body: { detail: fields.map((error) => ({ loc: locOf(error.field), msg: error.message, type: 'value_error' })) },
    };
  }
  return { status: problem.status, body: { detail: problem.detail } };
}
