import { isUtf8 } from 'node:buffer';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import swaggerUi from 'swagger-ui-express';
import type { Authenticator } from '../auth/types';
import type { Logger } from '../logger';
import { NotFoundError } from '../errors';
import { compatChatBody, markProfile } from '../compat/profile';
import { authMiddleware } from './authMiddleware';
import { clusterRouting } from './clusterRouting';
import { createHandlers } from './handlers';
import type { Services } from './handlers/services';
import type { Handler, HandlerContext, Handlers, OperationId, ServedOperationId } from './operations';
import type { BridgeMetrics } from '../metrics/bridgeMetrics';
import type { ConsoleConfig } from '../config/env';
import { consoleRouter, findConsoleDir } from './console';
import { metricsHandler } from './metricsRoute';
import { notFoundHandler, problemHandler } from './problemMiddleware';
import { requestLog } from './requestLog';
import { documentForPrefix, forwardedPrefix, operationsOf } from './spec';

export interface AppOptions {
  services: Services;
  authenticator: Authenticator;
  logger: Logger;
  maxBodyBytes: number;
  corsOrigins: '*' | string[];
  /** On in tests: any answer that does not match openapi.yaml fails. */
  validateResponses?: boolean;
  /** Prometheus metrics; `/metrics` is served on this app only when `onMainPort`. */
  metrics?: { registry: BridgeMetrics; token: string | undefined; onMainPort: boolean };
  /** Several replicas (REDIS_URL): requests of users another replica owns are forwarded there. */
  cluster?: Parameters<typeof clusterRouting>[0];
  /** The web console at /console (off when absent). */
  console?: ConsoleConfig;
  /** Replaces handlers, for unit tests of the HTTP layer. */
  handlers?: Partial<Handlers>;
}

function bind<K extends OperationId>(handler: Handler<K>): RequestHandler {
  return (req, res, next) => {
    const context = {
      params: req.params,
      query: req.query,
      body: req.body,
      user: res.locals.user,
      req,
      res,
    } as HandlerContext<K>;
    handler(context)
      .then((reply) => {
        if (reply === 'streamed') return;
        if (reply.headers) res.set(reply.headers);
        if (reply.body === undefined) res.status(reply.status).end();
        else res.status(reply.status).json(reply.body);
      })
      .catch(next);
  };
}

/** The fields a /chat body may have, as openapi.yaml lists them. */
function chatRequestFields(document: Services['spec']['document']): Set<string> {
  const schemas = (document as { components?: { schemas?: Record<string, { properties?: object }> } }).components?.schemas;
  return new Set(Object.keys(schemas?.ChatRequest?.properties ?? {}));
}

export function createApp(options: AppOptions): Express {
  const { services, logger } = options;
  const { document } = services.spec;
  const operations = operationsOf(document);
  const metrics = options.metrics?.registry;
  const handlers: Handlers = { ...createHandlers(services, logger, metrics), ...options.handlers };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(logger));
  app.use(markProfile(services.config.apiCompat));
  // Off unless the operator lists origins: Swagger UI is same-origin and needs none.
  if (options.corsOrigins === '*' || options.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: options.corsOrigins === '*' ? '*' : options.corsOrigins,
        exposedHeaders: ['X-Thread-Id', 'X-Turn-Id', 'X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
      }),
    );
  }
  // Before authentication: /metrics has its own (METRICS_TOKEN), it is not one of the API's operations.
  if (options.metrics?.onMainPort) app.get('/metrics', metricsHandler(options.metrics.registry, options.metrics.token));
  const swaggerOptions = { swaggerOptions: { persistAuthorization: true } };
  // The UI page at /docs/ and its assets; anything else below /docs is a 404 problem. swagger-ui-express
  // renders req.swaggerDoc when set: the document as seen through the caller's proxy.
  app.use(
    '/docs',
    ((req, _res, next) => {
      (req as { swaggerDoc?: unknown }).swaggerDoc = documentForPrefix(document, forwardedPrefix(req.get('x-forwarded-prefix')));
      next();
    }) satisfies RequestHandler,
    swaggerUi.serveFiles(document, swaggerOptions),
  );
  app.get(['/docs', '/docs/index.html'], swaggerUi.setup(document, swaggerOptions));
  app.use('/docs', (req, _res, next) => next(new NotFoundError(`no file ${req.path} under /docs`)));
  if (options.console?.enabled) app.use(consoleRouter(options.console, services.config.securityMethod, findConsoleDir()));
  app.use(authMiddleware(options.authenticator, operations));
  app.use(clusterRouting(options.cluster, logger));
  app.use(
    express.json({
      limit: options.maxBodyBytes,
      strict: true,
      type: ['application/json', 'application/*+json'],
      // JSON.parse would quietly turn invalid UTF-8 into U+FFFD and pass it on to the model.
      verify: (_req, _res, body) => {
        if (!isUtf8(body)) throw Object.assign(new Error('the body is not valid UTF-8'), { type: 'encoding.invalid', status: 400 });
      },
    }),
  );
  app.use(compatChatBody(chatRequestFields(document)));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: document,
      // Bodies are not coerced (42 is not a string); query and path parameters always are.
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
      validateResponses: options.validateResponses ? { removeAdditional: false } : false,
      validateSecurity: false,
      validateFormats: true,
      ignoreUndocumented: false,
    }),
  );
  for (const operation of operations) {
    const handler = handlers[operation.operationId as ServedOperationId] as Handler<OperationId> | undefined;
    if (!handler) throw new Error(`openapi.yaml operation ${operation.operationId} has no handler`);
    app[operation.method](operation.expressPath, bind(handler));
  }
  app.use(notFoundHandler());
  app.use(problemHandler(logger, metrics));
  return app;
}
