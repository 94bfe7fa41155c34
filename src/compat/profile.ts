import type { Request, RequestHandler, Response } from 'express';

/*
 * The compatibility profile: the original Python bridge's shapes for clients written against it. The operator
 * chooses it for the whole service (API_COMPAT), a client per request (X-Api-Compat). Only the shapes change;
 * the handlers, isolation, limits and statuses of conflicts stay the bridge's own.
 */

export type ApiProfile = 'default' | 'original';

export function profileOf(req: Request, operatorDefault: ApiProfile): ApiProfile {
  const chosen = req.get('x-api-compat')?.trim().toLowerCase();
  return chosen === 'original' || chosen === 'default' ? chosen : operatorDefault;
}

export function isOriginal(res: Response): boolean {
  return res.locals.apiProfile === 'original';
}

/** The routes the original bridge had (besides `/` and `/status`, which take no input). */
export function isOriginalRoute(path: string): boolean {
  return path === '/chat' || path === '/threads' || path === '/history';
}

/** Pydantic's lax booleans, which the original accepted for `stream`. */
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f', 'n']);

function laxBoolean(value: unknown): unknown {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
}

function pick(value: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.has(key)));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Marks the request's profile first, so that every answer (errors of auth and the JSON parser too) follows it. */
export function markProfile(operatorDefault: ApiProfile): RequestHandler {
  return (req, res, next) => {
    res.locals.apiProfile = profileOf(req, operatorDefault);
    next();
  };
}

/**
 * In the original profile, makes a /chat body what the original accepted:
 * unknown fields (e.g. `temperature`, a message's `name`) dropped as FastAPI does, lax `stream`, and the
 * message role left out (the original joins every content, whatever its role). Runs before the validator.
 */
export function compatChatBody(chatFields: ReadonlySet<string>): RequestHandler {
  const messageFields = new Set(['content']);
  return (req, res, next) => {
    if (isOriginal(res) && req.method === 'POST' && req.path === '/chat' && isObject(req.body)) {
      const body = pick(req.body, chatFields);
      if ('stream' in body) body.stream = laxBoolean(body.stream);
      if (Array.isArray(body.messages))
        body.messages = body.messages.map((message) => (isObject(message) ? pick(message, messageFields) : message));
      req.body = body;
    }
    next();
  };
}
