import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AuthenticatedUser } from '../auth/types';
import type { Logger } from '../logger';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** One line per request: id, user, method, path, status, duration. Never headers or query values. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.once('close', () => {
      const user = res.locals.user as AuthenticatedUser | undefined;
      logger.info(
        {
          requestId,
          user: user?.id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          aborted: !res.writableFinished,
        },
        'request',
      );
    });
    next();
  };
}
