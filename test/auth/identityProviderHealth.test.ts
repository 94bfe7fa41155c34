import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  createAuthenticator,
  IdentityProviderStartupError,
  KeycloakAuthenticator,
  PLACEHOLDER_TOKEN,
} from '../../src/auth';
import { parseConfig } from '../../src/config/env';
import { ServiceUnavailableError } from '../../src/errors';
import { SessionProviderDouble } from '../support/sessionDouble';
import { waitUntil } from '../support/wait';
import { authFailure } from './authFailure';
import { appOver } from '../support/app';

/*
 * The identity provider check (start-up, background, evidence from requests) against a small
 * stand-in for Keycloak's discovery and introspection endpoints, whose answers each test picks.
 * The same behaviour against a real Keycloak is in keycloakDev.e2e.test.ts.
 */

const SECRET = 'the-bridge-secret';

interface Answer {
  status: number;
  body: unknown;
}

let server: Server;
let baseUrl: string;
/** 'hang': accept the request and never answer (a frozen Keycloak). */
let discovery: Answer | 'hang';
let introspection: (form: URLSearchParams) => Answer;
let introspectionCalls: URLSearchParams[];
const hanging: ServerResponse[] = [];

const goodDiscovery = (): Answer => ({ status: 200, body: { issuer: `${baseUrl}/realms/codex` } });
const keycloakLike = (form: URLSearchParams): Answer =>
  form.get('client_secret') === SECRET
    ? { status: 200, body: { active: false } }
    : { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      let answer: Answer | 'hang' = { status: 404, body: { error: 'Realm does not exist' } };
      if (path === '/realms/codex/.well-known/openid-configuration') answer = discovery;
      if (path === '/realms/codex/protocol/openid-connect/token/introspect') {
        const form = new URLSearchParams(text);
        introspectionCalls.push(form);
        answer = introspection(form);
      }
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

let logger: { debug: jest.Mock; info: jest.Mock; warn: jest.Mock; error: jest.Mock };
const started: KeycloakAuthenticator[] = [];

beforeEach(() => {
  discovery = goodDiscovery();
  introspection = keycloakLike;
  introspectionCalls = [];
  logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
});

afterEach(() => {
  for (const authenticator of started.splice(0)) authenticator.identityProvider.stop();
});

function authenticator(env: Record<string, string> = {}): KeycloakAuthenticator {
  const config = parseConfig({
    SECURITY_METHOD: 'Keycloak',
    KEYCLOAK_BASE_URL: baseUrl,
    KEYCLOAK_REALM: 'codex',
    KEYCLOAK_CLIENT_ID: 'codex-bridge',
    KEYCLOAK_CLIENT_SECRET: SECRET,
    KEYCLOAK_TIMEOUT_SECONDS: '1',
    KEYCLOAK_HEALTH_INTERVAL_SECONDS: '0',
    ...env,
  });
  const created = createAuthenticator(config, logger);
  if (!(created instanceof KeycloakAuthenticator)) throw new Error('expected the Keycloak authenticator');
  started.push(created);
  return created;
}

/** A port nothing listens on (fetch refuses well-known ones such as 1 outright). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const loggedText = (): string => JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls]);

describe('the start-up check', () => {
  it('is ok when discovery answers and introspection accepts the credentials', async () => {
    const auth = authenticator();
    expect(auth.identityProvider.status).toEqual({ state: 'unknown', checkedAt: undefined, detail: undefined });
    await auth.identityProvider.start('strict');
    expect(auth.identityProvider.status).toEqual({ state: 'ok', checkedAt: expect.any(Date), detail: undefined });
    expect(introspectionCalls.map((form) => form.get('token'))).toEqual([PLACEHOLDER_TOKEN]);
    expect(logger.info).toHaveBeenCalledWith({ identityProvider: 'ok' }, 'Identity provider check passed');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('reports a rejected client secret, warns, and never logs the secret', async () => {
    const auth = authenticator({ KEYCLOAK_CLIENT_SECRET: 'wrong-secret' });
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status).toMatchObject({
      state: 'credentials-rejected',
      detail: expect.stringContaining('KEYCLOAK_CLIENT_SECRET'),
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ identityProvider: 'credentials-rejected' }),
      expect.stringMatching(/^Identity provider check FAILED \(credentials-rejected\)/),
    );
    expect(loggedText()).not.toContain('wrong-secret');
  });

  it('refuses to start in strict mode', async () => {
    const auth = authenticator({ KEYCLOAK_CLIENT_SECRET: 'wrong-secret' });
    const failure = auth.identityProvider.start('strict');
    await expect(failure).rejects.toBeInstanceOf(IdentityProviderStartupError);
    await expect(failure).rejects.toThrow(/KEYCLOAK_STARTUP_CHECK=strict.*credentials-rejected/);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ identityProvider: 'credentials-rejected' }),
      expect.stringMatching(/not starting$/),
    );
  });

  it('names the realm when the discovery document is not found', async () => {
    const auth = authenticator({ KEYCLOAK_REALM: 'no-such-realm' });
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status).toMatchObject({
      state: 'unreachable',
      detail: expect.stringContaining('answered 404: is KEYCLOAK_REALM right?'),
    });
  });

  it('reports a discovery answer that is not an OpenID configuration', async () => {
    discovery = { status: 200, body: { hello: 'world' } };
    const auth = authenticator();
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status.state).toBe('unreachable');
    expect(introspectionCalls).toHaveLength(0);
  });

  it('reports an introspection endpoint that answers 5xx', async () => {
    introspection = () => ({ status: 502, body: 'bad gateway' });
    const auth = authenticator();
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status).toMatchObject({
      state: 'unreachable',
      detail: expect.stringContaining('HTTP 502'),
    });
  });

  it('reports a frozen Keycloak after KEYCLOAK_TIMEOUT_SECONDS', async () => {
    discovery = 'hang';
    const auth = authenticator();
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status).toMatchObject({
      state: 'unreachable',
      detail: expect.stringContaining('did not answer within 1000 ms'),
    });
  });

  it('reports a Keycloak nobody listens for', async () => {
    const auth = authenticator({ KEYCLOAK_BASE_URL: `http://127.0.0.1:${await closedPort()}` });
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status).toMatchObject({
      state: 'unreachable',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('checks only the introspection endpoint when its URL is not a standard Keycloak one', async () => {
    const auth = authenticator({
      KEYCLOAK_BASE_URL: '',
      KEYCLOAK_REALM: '',
      KEYCLOAK_INTROSPECTION_URL: `${baseUrl}/realms/codex/protocol/openid-connect/token/introspect?x=1`,
    });
    discovery = { status: 500, body: {} };
    await auth.identityProvider.start('strict');
    expect(auth.identityProvider.status.state).toBe('ok');
  });

  it('does nothing with KEYCLOAK_STARTUP_CHECK=off', async () => {
    const auth = authenticator({ KEYCLOAK_STARTUP_CHECK: 'off', KEYCLOAK_CLIENT_SECRET: 'wrong-secret' });
    await auth.identityProvider.start('off');
    expect(introspectionCalls).toHaveLength(0);
    expect(auth.identityProvider.status.state).toBe('unknown');
  });
});

describe('the background check', () => {
  it('follows the identity provider every KEYCLOAK_HEALTH_INTERVAL_SECONDS, and stops when told', async () => {
    const auth = authenticator({ KEYCLOAK_HEALTH_INTERVAL_SECONDS: '0.05' });
    await auth.identityProvider.start('warn');
    expect(auth.identityProvider.status.state).toBe('ok');

    introspection = () => ({ status: 401, body: { error: 'invalid_client' } });
    await waitUntil(() => auth.identityProvider.status.state === 'credentials-rejected', 'the check to notice');
    expect(logger.warn).toHaveBeenCalledWith(
      { identityProvider: 'credentials-rejected', detail: expect.any(String) },
      expect.stringMatching(/^The identity provider is credentials-rejected/),
    );

    introspection = keycloakLike;
    await waitUntil(() => auth.identityProvider.status.state === 'ok', 'the check to recover');
    expect(logger.info).toHaveBeenCalledWith(
      { identityProvider: 'ok', previous: 'credentials-rejected' },
      'The identity provider answers again',
    );

    auth.identityProvider.stop();
    const calls = introspectionCalls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(introspectionCalls.length).toBe(calls);
  });

  it('shares one check among concurrent callers', async () => {
    const auth = authenticator();
    await Promise.all([auth.identityProvider.check(), auth.identityProvider.check(), auth.identityProvider.check()]);
    expect(introspectionCalls).toHaveLength(1);
  });
});

describe('evidence from requests', () => {
  it("marks the provider as failing when a request's introspection fails, and ok again when one succeeds", async () => {
    const auth = authenticator();
    await auth.identityProvider.start('warn');
    const before = auth.identityProvider.status.checkedAt?.getTime() ?? 0;

    introspection = () => ({ status: 503, body: {} });
    const failure = await authFailure(
      auth.authenticate({ authorization: 'Bearer abc.def.ghi', userIdOverride: undefined }),
    );
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(auth.identityProvider.status.state).toBe('unreachable');

    introspection = keycloakLike;
    await authFailure(auth.authenticate({ authorization: 'Bearer abc.def.ghi', userIdOverride: undefined }));
    expect(auth.identityProvider.status.state).toBe('ok');
    expect(auth.identityProvider.status.checkedAt?.getTime()).toBeGreaterThanOrEqual(before);
  });
});

describe('GET /status', () => {
  function app(identityProvider?: KeycloakAuthenticator['identityProvider']) {
    const config = parseConfig({ OPENAI_API_KEY: 'sk-test' });
    return appOver(config, { sessions: new SessionProviderDouble(), identityProvider });
  }

  it('reports the identity provider and is degraded while it fails, still with 200', async () => {
    const auth = authenticator({ KEYCLOAK_CLIENT_SECRET: 'wrong-secret' });
    const res = await request(app(auth.identityProvider)).get('/status').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      identity_provider: { state: 'unknown', checked_at: null, detail: null },
    });

    await auth.identityProvider.start('warn');
    const failing = await request(app(auth.identityProvider)).get('/status').expect(200);
    expect(failing.body.status).toBe('degraded');
    expect(failing.body.identity_provider).toEqual({
      state: 'credentials-rejected',
      checked_at: expect.any(String),
      detail: expect.stringContaining('refused'),
    });
    expect(new Date(failing.body.identity_provider.checked_at as string).getTime()).not.toBeNaN();
  });

  it('has no identity_provider without Keycloak', async () => {
    const res = await request(app()).get('/status').expect(200);
    expect(res.body).not.toHaveProperty('identity_provider');
    expect(res.body.status).toBe('ok');
  });
});
