import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import type { ConsoleConfig } from '../config/env';
import { NotFoundError } from '../errors';
import { forwardedPrefix } from './spec';

/*
 * The web console: the single-page app `npm run build` writes to dist/console (sources in console/),
 * served as static files at /console/, plus /console/config.json telling it how to log in. Public like
 * /docs: the files hold no data, every API call the page makes is authenticated as usual.
 */

export const CONSOLE_PATH = '/console';

/** dist/console above this file, from src/http (tsx) and from dist/src/http (compiled) alike. */
export function findConsoleDir(): string | undefined {
  let directory = __dirname;
  for (;;) {
    const candidate = path.join(directory, 'dist', 'console');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** What the page reads at start; the names are the page's (console/src/config.ts). */
export interface ConsoleSettings {
  security_method: 'none' | 'keycloak' | 'apikey';
  oidc: { issuer: string; client_id: string } | null;
}

/**
 * Scripts and styles only from the bridge itself, nothing inline, and fetch only to the bridge and (for the
 * login's token exchange) the identity provider: model output that slipped past the Markdown renderer still
 * could not run a script or send anything elsewhere.
 */
function contentSecurityPolicy(settings: ConsoleSettings): string {
  const connect = ["'self'", ...(settings.oidc ? [new URL(settings.oidc.issuer).origin] : [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    `form-action 'self'${settings.oidc ? ` ${new URL(settings.oidc.issuer).origin}` : ''}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function consoleRouter(
  config: ConsoleConfig,
  securityMethod: ConsoleSettings['security_method'],
  /** The built console (findConsoleDir()); undefined: not built. */
  directory: string | undefined,
): Router {
  const router = express.Router({ strict: true });
  const settings: ConsoleSettings = {
    security_method: securityMethod,
    oidc: config.oidc ? { issuer: config.oidc.issuer, client_id: config.oidc.clientId } : null,
  };
  const headers: RequestHandler = (_req, res, next) => {
    res.set({
      'Content-Security-Policy': contentSecurityPolicy(settings),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    next();
  };
  router.use(CONSOLE_PATH, headers);
  // Relative asset URLs need the trailing slash; behind a proxy the redirect keeps its prefix.
  router.get(CONSOLE_PATH, (req, res) => {
    const query = req.originalUrl.slice(req.originalUrl.indexOf('?') >= 0 ? req.originalUrl.indexOf('?') : req.originalUrl.length);
    res.redirect(301, `${forwardedPrefix(req.get('x-forwarded-prefix')) ?? ''}${CONSOLE_PATH}/${query}`);
  });
  router.get(`${CONSOLE_PATH}/config.json`, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(settings);
  });
  if (!directory) {
    router.use(CONSOLE_PATH, (_req, _res, next) =>
      next(new NotFoundError('the console is not built: run `npm run build` (it writes dist/console)')),
    );
    return router;
  }
  router.use(
    CONSOLE_PATH,
    express.static(directory, {
      index: 'index.html',
      redirect: false,
      fallthrough: true,
      // index.html names the hashed assets, so it is asked for every time; the assets never change.
      setHeaders: (res, file) =>
        res.setHeader('Cache-Control', path.basename(file) === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable'),
    }),
  );
  router.use(CONSOLE_PATH, (req, _res, next) => next(new NotFoundError(`no file ${req.path} under ${CONSOLE_PATH}`)));
  return router;
}
