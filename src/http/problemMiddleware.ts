import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CodexExitedError, CodexRpcError, CodexTimeoutError } from '../codex/errors';
import { originalError } from '../compat/errors';
import { isOriginal, isOriginalRoute } from '../compat/profile';
import type { Logger } from '../logger';
import type { BridgeMetrics } from '../metrics/bridgeMetrics';
import { BadGatewayError, DomainError, NotFoundError, ValidationError } from '../errors';
import { isOpenAiPath, openAiErrorBody } from '../openai/errors';
import { HttpProblem, problemFor, problemType, type InvalidParam, type Problem } from './errors';

interface ValidatorErrorItem {
  path?: string;
  message?: string;
}

/** The shape of every express-openapi-validator error (BadRequest, NotFound, MethodNotAllowed...). */
interface ValidatorError {
  status: number;
  message: string;
  errors: ValidatorErrorItem[];
  headers?: { Allow?: string };
}

/** Turns express-openapi-validator's `.path` (`/body/messages/0/content`, `.query.limit`) into one form. */
function fieldOf(item: ValidatorErrorItem): string {
  const raw = item.path ?? '';
  return raw.startsWith('.') ? `/${raw.slice(1).replace(/\./g, '/')}` : raw;
}

const VALIDATOR_PROBLEMS: Record<number, { slug: string; title: string }> = {
  400: { slug: 'validation-error', title: 'Request is invalid' },
  401: { slug: 'unauthorized', title: 'Authentication required' },
  403: { slug: 'forbidden', title: 'Access denied' },
  404: { slug: 'not-found', title: 'Not found' },
  405: { slug: 'method-not-allowed', title: 'Method not allowed' },
  406: { slug: 'not-acceptable', title: 'Not acceptable' },
  413: { slug: 'payload-too-large', title: 'Payload too large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported media type' },
};

function fromValidator(error: ValidatorError, instance: string): Problem {
  const status = error.status;
  const kind = VALIDATOR_PROBLEMS[status] ?? { slug: 'request-error', title: 'Request error' };
  const items = error.errors;
  const problem: Problem = {
    type: problemType(kind.slug),
    title: kind.title,
    status,
    detail: error.message,
    instance,
  };
  const invalid: InvalidParam[] = items
    .filter((item) => item.path)
    .map((item) => ({ field: fieldOf(item), message: item.message ?? 'is invalid' }));
  if (status === 400 && invalid.length > 0) problem.errors = invalid;
  return problem;
}

/** body-parser's own errors carry a `type` string and a status. */
function fromBodyParser(error: {
  type?: string;
  status?: number;
  expose?: boolean;
  message: string;
}): DomainError | HttpProblem | undefined {
  switch (error.type) {
    case 'encoding.invalid':
      return new ValidationError(error.message, [{ field: '/body', message: 'is not valid UTF-8' }]);
    case 'entity.too.large':
      return new HttpProblem(413, 'payload-too-large', 'Payload too large', 'the request body is larger than MAX_BODY_BYTES');
    case 'entity.parse.failed':
      return new ValidationError(`the body is not valid JSON: ${error.message}`, [
        { field: '/body', message: 'is not valid JSON' },
      ]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', error.message);
    case 'request.aborted':
      return new HttpProblem(400, 'request-aborted', 'Request aborted', 'the client aborted the request');
    default:
      // E.g. a body that does not match its Content-Encoding: a client error without a `type`.
      if (error.expose && error.status === 400)
        return new ValidationError(error.message, [{ field: '/body', message: error.message }]);
      return undefined;
  }
}

function fromCodex(error: unknown): DomainError | undefined {
  if (error instanceof CodexExitedError) return new BadGatewayError(error.message, 'codex-exited');
  if (error instanceof CodexTimeoutError) return new BadGatewayError(error.message, 'codex-timeout');
  if (error instanceof CodexRpcError) return new BadGatewayError(error.message, 'codex-error');
  return undefined;
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`no route ${req.method} ${req.path}`));
}

/** The one place that turns any error into an RFC 9457 answer (OpenAI's error shape under /v1). */
export function problemHandler(logger: Logger, metrics?: Pick<BridgeMetrics, 'problem'>): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      logger.error({ err: error, path: req.path }, 'error after the answer started');
      next(error);
      return;
    }
    const instance = req.path;
    let problem: Problem;
    let headers: Record<string, string> = {};
    const known =
      error instanceof DomainError || error instanceof HttpProblem
        ? error
        : (fromCodex(error) ?? fromBodyParser(error as { message: string }));
    if (known) {
      ({ problem, headers } = problemFor(known, instance));
    } else if (isValidatorError(error)) {
      problem = fromValidator(error, instance);
      if (problem.status === 405) headers.Allow = error.headers?.Allow ?? '';
    } else {
      logger.error({ err: error, path: req.path }, 'unhandled error');
      problem = {
        type: problemType('internal-error'),
        title: 'Internal error',
        status: 500,
        detail: 'an unexpected error occurred',
        instance,
      };
    }
    if (problem.status >= 500) logger.warn({ problem }, 'request failed');
    metrics?.problem(problem.type.slice(problem.type.lastIndexOf(':') + 1), problem.status);
    for (const [name, value] of Object.entries(headers)) if (value) res.setHeader(name, value);
    if (isOriginal(res) && !isOpenAiPath(req.path)) {
      // The original profile: FastAPI's bodies. Same statuses, but 422 where the original's own routes refused a
      // request in the validator or parser (the bridge's other routes keep their documented 400).
      const requestShape = isOriginalRoute(req.path) && (isValidatorError(error) || isBodyParserError(error));
      const answer = originalError(problem, requestShape, error);
      res.status(answer.status).json(answer.body);
      return;
    }
    if (isOpenAiPath(req.path)) {
      // The same problem and status, in the shape OpenAI clients read their message from.
      res.status(problem.status).json(openAiErrorBody(problem));
      return;
    }
    // res.json keeps the problem+json type and lets response validation (on in tests) check the body too.
    res.status(problem.status).type('application/problem+json').json(problem);
  };
}

function isBodyParserError(error: unknown): boolean {
  return (
    !(error instanceof DomainError || error instanceof HttpProblem) &&
    typeof (error as { type?: unknown } | null)?.type === 'string'
  );
}

function isValidatorError(error: unknown): error is ValidatorError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number' &&
    'errors' in error &&
    Array.isArray(error.errors)
  );
}
