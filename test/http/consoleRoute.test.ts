import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { ConfigError, parseConfig } from '../../src/config/env';
import { consoleRouter } from '../../src/http/console';
import { problemHandler } from '../../src/http/problemMiddleware';
import { silentLogger } from '../../src/logger';
import { appWithDoubles } from '../support/app';
import { makeTempDir } from '../support/tempDir';

/* The console's static route and its settings, without a browser (the browser test is test/console/). */

const KEYCLOAK_ENV = {
  SECURITY_METHOD: 'Keycloak',
  KEYCLOAK_BASE_URL: 'http://keycloak.internal:8080',
  KEYCLOAK_REALM: 'codex',
  KEYCLOAK_CLIENT_ID: 'codex-bridge',
  KEYCLOAK_CLIENT_SECRET: 'secret',
};

function builtConsole(): string {
  const directory = makeTempDir('console-dist-');
  fs.mkdirSync(path.join(directory, 'assets'));
  fs.writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>Codex console</title>');
  fs.writeFileSync(path.join(directory, 'assets', 'index-abc.js'), 'console.log(1)');
  return directory;
}

function appFor(env: Record<string, string>, directory: string | undefined) {
  const config = parseConfig(env);
  const app = express();
  app.use(consoleRouter(config.console, config.securityMethod, directory));
  app.use(problemHandler(silentLogger));
  return app;
}

describe('/console', () => {
  const directory = builtConsole();
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('tells the page to log in at the realm of KEYCLOAK_BASE_URL with the shipped public client, and lets it fetch only there', async () => {
    const app = appFor(KEYCLOAK_ENV, directory);
    const settings = await request(app).get('/console/config.json').expect(200);
    expect(settings.body).toEqual({ security_method: 'keycloak', oidc: { issuer: 'http://keycloak.internal:8080/realms/codex', client_id: 'codex-cli' } });
    const page = await request(app).get('/console/').expect(200);
    expect(page.text).toContain('Codex console');
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' http://keycloak.internal:8080");
    expect(csp).toContain("frame-ancestors 'none'");
    const asset = await request(app).get('/console/assets/index-abc.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('CONSOLE_OIDC_ISSUER and CONSOLE_OIDC_CLIENT_ID name what the browser reaches', async () => {
    const app = appFor({ ...KEYCLOAK_ENV, CONSOLE_OIDC_ISSUER: 'https://login.example.com/realms/codex/', CONSOLE_OIDC_CLIENT_ID: 'console' }, directory);
    const settings = await request(app).get('/console/config.json').expect(200);
    expect(settings.body.oidc).toEqual({ issuer: 'https://login.example.com/realms/codex', client_id: 'console' });
  });

  it('without Keycloak there is no login to offer', async () => {
    const settings = await request(appFor({}, directory)).get('/console/config.json').expect(200);
    expect(settings.body).toEqual({ security_method: 'none', oidc: null });
  });

  it('redirects /console to /console/, keeping the proxy prefix and the query', async () => {
    const app = appFor({}, directory);
    expect((await request(app).get('/console').expect(301)).headers.location).toBe('/console/');
    const behind = await request(app).get('/console?x=1').set('X-Forwarded-Prefix', '/codex').expect(301);
    expect(behind.headers.location).toBe('/codex/console/?x=1');
  });

  it('a file that is not there is a 404 problem; an unbuilt console says how to build it', async () => {
    const missing = await request(appFor({}, directory)).get('/console/nope.js').expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const unbuilt = await request(appFor({}, undefined)).get('/console/').expect(404);
    expect(unbuilt.body.detail).toContain('npm run build');
  });

  it('CONSOLE_ENABLED=false leaves /console out; a bad CONSOLE_OIDC_ISSUER stops the start naming it', async () => {
    const config = parseConfig({ CONSOLE_ENABLED: 'false' });
    const { app } = appWithDoubles({ CONSOLE_ENABLED: 'false' }, true, {}, { console: config.console });
    expect((await request(app).get('/console/config.json')).status).toBe(404);
    expect(() => parseConfig({ CONSOLE_OIDC_ISSUER: 'not a url' })).toThrow(ConfigError);
    expect(() => parseConfig({ CONSOLE_OIDC_ISSUER: 'not a url' })).toThrow(/CONSOLE_OIDC_ISSUER/);
  });
});
