import type { RequestHandler } from 'express';
import type { Authenticator } from '../auth/types';
import type { SpecOperation } from './spec';

/**
 * Authenticates every request except the spec's public operations (`security: []`) and Swagger UI.
 * Runs before validation, so an anonymous caller learns nothing about request shapes.
 */
export function authMiddleware(authenticator: Authenticator, operations: SpecOperation[]): RequestHandler {
  const publicRoutes = new Set(operations.filter((operation) => operation.public).map((operation) => `${operation.method} ${operation.path}`));
  return (req, res, next) => {
    const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
    if (publicRoutes.has(`${method} ${req.path}`) || req.path === '/docs' || req.path.startsWith('/docs/')) {
      next();
      return;
    }
    const queryUserId = typeof req.query.user_id === 'string' ? req.query.user_id : undefined;
    authenticator
      .authenticate({ authorization: req.get('authorization'), userIdOverride: queryUserId ?? req.get('x-user-id') })
      .then((user) => {
        res.locals.user = user;
        next();
      })
      .catch(next);
  };
}
