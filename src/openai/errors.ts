import type { OpenAiErrorBody } from './types';

/** The parts of an RFC 9457 problem that an OpenAI error is made of. */
export interface ProblemLike {
  type: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** `/body/messages/0/content` -> `messages[0].content`; `/query/limit` -> `limit`; `/body` -> null. */
export function openAiParam(field: string): string | null {
  const segments = field.split('/').filter((segment) => segment.length > 0);
  const [where, ...rest] = segments;
  if (!where || rest.length === 0 || !['body', 'query', 'params', 'headers'].includes(where)) return null;
  return rest.reduce(
    (param, segment) => (/^\d+$/.test(segment) ? `${param}[${segment}]` : param ? `${param}.${segment}` : segment),
    '',
  );
}

/** The most specific offending field: a `oneOf` also reports its parent (`input`) besides `input[0].role`. */
function deepestField(errors: ProblemLike['errors']): string | undefined {
  const depth = (field: string): number => field.split('/').length;
  return (errors ?? [])
    .map((error) => error.field)
    .reduce<string | undefined>(
      (best, field) => (best === undefined || depth(field) > depth(best) ? field : best),
      undefined,
    );
}

/**
 * OpenAI's error shape, which every OpenAI client reads to show a message: the problem's detail,
 * a type from its status, the most specific offending field as `param`, the problem kind as `code`.
 */
export function openAiErrorBody(problem: ProblemLike): OpenAiErrorBody {
  const field = deepestField(problem.errors);
  const slug = problem.type.slice(problem.type.lastIndexOf(':') + 1);
  return {
    error: {
      message: problem.detail,
      type: errorType(problem.status),
      param: field ? openAiParam(field) : null,
      code: slug ? slug.replace(/-/g, '_') : null,
    },
  };
}

/** The routes that answer in OpenAI's shapes. */
export function isOpenAiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}
