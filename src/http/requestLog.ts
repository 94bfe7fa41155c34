import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AuthenticatedUser } from '../auth/types';
import type { Logger } from '../logger';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C Trace Context: version-traceid-parentid-flags; all-zero ids are invalid. */
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A well-formed `traceparent`, so logs join the caller's trace; anything else is left out, not echoed. */
export function traceparentOf(header: string | undefined): string | undefined {
  const value = header?.trim().toLowerCase();
  return value && TRACEPARENT.test(value) && !value.startsWith('ff') ? value : undefined;
}

/** One line per request: id, trace, user, method, path, status, duration. Never other headers or query values. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const traceparent = traceparentOf(req.get('traceparent'));
    res.once('close', () => {
      const user = res.locals.user as AuthenticatedUser | undefined;
      logger.info(
        {
          requestId,
          ...(traceparent && { traceparent }),
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
