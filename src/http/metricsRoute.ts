import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { extractBearerToken } from '../auth/bearerToken';
import { UnauthorizedError } from '../errors';
import type { Logger } from '../logger';
import type { BridgeMetrics } from '../metrics/bridgeMetrics';
import { notFoundHandler, problemHandler } from './problemMiddleware';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Equal-length digests, so neither the token's content nor its length shows in the comparison time. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** GET /metrics in Prometheus text format; with a token, only for `Authorization: Bearer <METRICS_TOKEN>`. */
export function metricsHandler(metrics: BridgeMetrics, token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token !== undefined) {
      let given: string;
      try {
        given = extractBearerToken(req.get('authorization'));
      } catch (error) {
        next(error);
        return;
      }
      if (!tokenMatches(given, token)) {
        next(new UnauthorizedError('the metrics token is not METRICS_TOKEN'));
        return;
      }
    }
    metrics
      .exposition()
      .then(({ contentType, body }) => res.status(200).type(contentType).send(body))
      .catch(next);
  };
}

/** The separate listener of METRICS_PORT: /metrics and nothing else. */
export function createMetricsApp(metrics: BridgeMetrics, token: string | undefined, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(metrics, token));
  app.use(notFoundHandler());
  app.use(problemHandler(logger, metrics));
  return app;
}
