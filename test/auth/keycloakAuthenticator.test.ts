import { problemFor } from '../../src/http/errors';
import { KeycloakAuthenticator, type AuthLogger, type AuthRequest } from '../../src/auth';
import type { KeycloakConfig } from '../../src/config/env';
import { ForbiddenError, ServiceUnavailableError, UnauthorizedError, type DomainError } from '../../src/errors';
import { activeToken, startFakeIntrospectionServer, type FakeIntrospectionServer } from './fakeIntrospectionServer';
import { authFailure } from './authFailure';

const CLIENT_SECRET = 'bridge-secret-value';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

let server: FakeIntrospectionServer;
let logger: AuthLogger & { debug: jest.Mock; warn: jest.Mock; info: jest.Mock };

beforeAll(async () => {
  server = await startFakeIntrospectionServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  server.respondWith(() => activeToken('alice-sub'));
});

function authenticator(overrides: Partial<KeycloakConfig> = {}, now?: () => number): KeycloakAuthenticator {
  const config: KeycloakConfig = {
    introspectionUrl: server.url,
    clientId: 'codex-bridge',
    clientSecret: CLIENT_SECRET,
    timeoutMs: 1_000,
    cacheTtlSeconds: 60,
    cacheMaxEntries: 100,
    requiredRole: undefined,
    audience: undefined,
    expectedIssuer: undefined,
    issuerSetting: 'KEYCLOAK_INTROSPECTION_URL',
    startupCheck: 'warn',
    healthIntervalMs: 0,
    ...overrides,
  };
  return new KeycloakAuthenticator(config, { logger, ...(now ? { now } : {}) });
}

function withToken(token: string = TOKEN, userIdOverride?: string): AuthRequest {
  return { authorization: `Bearer ${token}`, userIdOverride };
}

describe('KeycloakAuthenticator with an active token', () => {
  it("is the token's subject, asked with the bridge's client credentials", async () => {
    const user = await authenticator().authenticate({ authorization: `Bearer ${TOKEN}`, userIdOverride: undefined });
    expect(user).toEqual({ id: 'alice-sub', source: 'keycloak', username: 'alice-sub' });
    expect(server.lastForm?.get('token')).toBe(TOKEN);
    expect(server.lastForm?.get('client_id')).toBe('codex-bridge');
    expect(server.lastForm?.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it('lets the token subject win over a user id override', async () => {
    const user = await authenticator().authenticate({ authorization: `Bearer ${TOKEN}`, userIdOverride: 'mallory' });
    expect(user.id).toBe('alice-sub');
  });

  it('accepts an answer that is slow but within the timeout', async () => {
    server.respondWith(() => ({ ...activeToken('alice-sub'), delayMs: 300 }));
    const user = await authenticator({ timeoutMs: 2_000 }).authenticate({
      authorization: `Bearer ${TOKEN}`,
      userIdOverride: undefined,
    });
    expect(user.id).toBe('alice-sub');
  });
});

describe('KeycloakAuthenticator refuses with 401', () => {
  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a malformed token', 'Bearer not a token'],
  ])('%s, without asking Keycloak', async (_case, authorization) => {
    const callsBefore = server.calls;
    const error = await authFailure(authenticator().authenticate({ authorization, userIdOverride: undefined }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(problemFor(error, '/').headers['WWW-Authenticate']).toMatch(/^Bearer realm="codex-api-bridge"/);
    expect(server.calls).toBe(callsBefore);
  });

  it('an inactive token', async () => {
    server.respondWith(() => ({ body: { active: false } }));
    const error = await authFailure(authenticator().authenticate(withToken()));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(problemFor(error, '/').headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('an active token without a subject', async () => {
    server.respondWith(() => activeToken(undefined));
    const error = await authFailure(authenticator().authenticate(withToken()));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toMatch(/subject/);
  });

  it('a token past its exp even if the endpoint calls it active', async () => {
    server.respondWith(() => activeToken('alice-sub', { exp: Math.floor(Date.now() / 1000) - 10 }));
    const error = await authFailure(authenticator().authenticate(withToken()));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toMatch(/expired/);
  });
});

describe('KeycloakAuthenticator fails closed with 503 when Keycloak gives no verdict', () => {
  it.each([
    ['HTTP 500', () => ({ status: 500, body: 'Internal Server Error' }), 'http-error'],
    ['HTTP 502', () => ({ status: 502, body: '' }), 'http-error'],
    ['invalid JSON', () => ({ body: '<html>login</html>' }), 'invalid-response'],
    ['JSON without a boolean active', () => ({ body: { active: 'yes', sub: 'alice-sub' } }), 'invalid-response'],
    [
      "401: the bridge's client credentials are rejected",
      () => ({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } }),
      'client-credentials-rejected',
    ],
    [
      '403: the bridge client may not introspect',
      () => ({ status: 403, body: { error: 'x' } }),
      'client-credentials-rejected',
    ],
  ] as const)('%s', async (_case, answer, reason) => {
    server.respondWith(answer);
    const error = await authFailure(authenticator().authenticate(withToken()));
    expectUnavailable(error);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ reason }), expect.any(String));
  });

  it('the endpoint never answers: 503 once the timeout has passed', async () => {
    server.respondWith(() => 'hang');
    const startedAt = Date.now();
    const error = await authFailure(authenticator({ timeoutMs: 300 }).authenticate(withToken()));
    const elapsed = Date.now() - startedAt;
    expectUnavailable(error);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ reason: 'timeout' }), expect.any(String));
  });

  it('the endpoint is unreachable', async () => {
    const closed = await startFakeIntrospectionServer();
    await closed.close();
    const error = await authFailure(authenticator({ introspectionUrl: closed.url }).authenticate(withToken()));
    expectUnavailable(error);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'unreachable' }),
      expect.stringContaining('ECONNREFUSED'),
    );
  });

  it('never logs the token or the client secret', async () => {
    server.respondWith(() => ({ status: 401, body: { error: 'invalid_client' } }));
    await authFailure(authenticator().authenticate(withToken()));
    const logged = JSON.stringify([logger.warn.mock.calls, logger.info.mock.calls]);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(CLIENT_SECRET);
  });
});

function expectUnavailable(error: DomainError): void {
  expect(error).toBeInstanceOf(ServiceUnavailableError);
  expect(problemFor(error, '/').problem.status).toBe(503);
  expect(error.slug).toBe('identity-provider-unavailable');
  expect(Number(problemFor(error, '/').headers['Retry-After'])).toBeGreaterThan(0);
}

describe('KeycloakAuthenticator caches introspection results', () => {
  it('asks once for the same token', async () => {
    const auth = authenticator();
    const callsBefore = server.calls;
    await auth.authenticate(withToken());
    await auth.authenticate(withToken());
    expect(server.calls - callsBefore).toBe(1);
    expect(auth.cachedTokens).toBe(1);
  });

  it('keeps no entry past the token exp, even with a longer TTL', async () => {
    let now = Date.now();
    const exp = Math.floor(now / 1000) + 2;
    server.respondWith(() => activeToken('alice-sub', { exp }));
    const auth = authenticator({ cacheTtlSeconds: 60 }, () => now);
    await auth.authenticate(withToken());
    now = exp * 1000 + 1;
    server.respondWith(() => ({ body: { active: false } }));
    const callsBefore = server.calls;
    expect(await authFailure(auth.authenticate(withToken()))).toBeInstanceOf(UnauthorizedError);
    expect(server.calls - callsBefore).toBe(1);
  });

  it('keeps no entry past the configured TTL', async () => {
    let now = Date.now();
    const auth = authenticator({ cacheTtlSeconds: 1 }, () => now);
    await auth.authenticate(withToken());
    now += 1_001;
    const callsBefore = server.calls;
    await auth.authenticate(withToken());
    expect(server.calls - callsBefore).toBe(1);
  });

  it('does not cache with a TTL of 0', async () => {
    const auth = authenticator({ cacheTtlSeconds: 0 });
    const callsBefore = server.calls;
    await auth.authenticate(withToken());
    await auth.authenticate(withToken());
    expect(server.calls - callsBefore).toBe(2);
    expect(auth.cachedTokens).toBe(0);
  });

  it('does not cache errors or inactive tokens', async () => {
    const auth = authenticator();
    server.respondWith(() => ({ status: 500 }));
    expectUnavailable(await authFailure(auth.authenticate(withToken())));
    server.respondWith(() => ({ body: { active: false } }));
    expect(await authFailure(auth.authenticate(withToken()))).toBeInstanceOf(UnauthorizedError);
    server.respondWith(() => activeToken('alice-sub'));
    await expect(auth.authenticate(withToken())).resolves.toMatchObject({ id: 'alice-sub' });
  });

  it('shares one introspection among concurrent requests with the same token', async () => {
    server.respondWith(() => ({ ...activeToken('alice-sub'), delayMs: 100 }));
    const auth = authenticator();
    const callsBefore = server.calls;
    const users = await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(withToken())));
    expect(server.calls - callsBefore).toBe(1);
    expect(new Set(users.map((user) => user.id))).toEqual(new Set(['alice-sub']));
  });

  it('shares one failure among concurrent requests too', async () => {
    server.respondWith(() => ({ status: 503, delayMs: 100 }));
    const auth = authenticator();
    const callsBefore = server.calls;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => auth.authenticate(withToken())));
    expect(server.calls - callsBefore).toBe(1);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
  });

  it('holds at most cacheMaxEntries tokens, dropping the least recently used', async () => {
    server.respondWith((form) => activeToken(`sub-of-${form.get('token') ?? ''}`));
    const auth = authenticator({ cacheMaxEntries: 2 });
    const callsBefore = server.calls;
    await auth.authenticate(withToken('a'));
    await auth.authenticate(withToken('b'));
    await auth.authenticate(withToken('a')); // cached; b is now the least recently used
    await auth.authenticate(withToken('c')); // evicts b
    expect(auth.cachedTokens).toBe(2);
    expect(server.calls - callsBefore).toBe(3);
    await auth.authenticate(withToken('a'));
    expect(server.calls - callsBefore).toBe(3);
    await auth.authenticate(withToken('b'));
    expect(server.calls - callsBefore).toBe(4);
  });
});

describe('KeycloakAuthenticator access rules', () => {
  const claims = {
    realm_access: { roles: ['codex-user'] },
    resource_access: { 'codex-bridge': { roles: ['operator'] } },
    aud: ['codex-bridge', 'account'],
    azp: 'web-app',
  };

  beforeEach(() => server.respondWith(() => activeToken('alice-sub', claims)));

  it.each([
    ['a realm role', { requiredRole: 'codex-user' }],
    ['a client role', { requiredRole: 'codex-bridge:operator' }],
    ['an audience in aud', { audience: 'codex-bridge' }],
    ['an audience that is azp', { audience: 'web-app' }],
  ])('admit a token that has %s', async (_case, rules) => {
    await expect(authenticator(rules).authenticate(withToken())).resolves.toMatchObject({ id: 'alice-sub' });
  });

  it('accept aud as a single string', async () => {
    server.respondWith(() => activeToken('alice-sub', { aud: 'codex-api' }));
    await expect(authenticator({ audience: 'codex-api' }).authenticate(withToken())).resolves.toMatchObject({
      id: 'alice-sub',
    });
  });

  it.each([
    ['a missing realm role', { requiredRole: 'codex-admin' }],
    ['a client role held by another client', { requiredRole: 'account:operator' }],
    ['a realm role asked as a client role', { requiredRole: 'codex-bridge:codex-user' }],
    ['a prototype key as client id', { requiredRole: 'constructor:operator' }],
    ['a missing audience', { audience: 'codex-api' }],
  ])('refuse with 403 %s', async (_case, rules) => {
    const error = await authFailure(authenticator(rules).authenticate(withToken()));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(problemFor(error, '/').problem.status).toBe(403);
  });
});

describe('KeycloakAuthenticator logging why a token was refused', () => {
  it("logs at debug level the causes read from an inactive token's claims, without the token", async () => {
    const payload = { sub: 'alice-sub', aud: 'account', azp: 'codex-cli', exp: Math.floor(Date.now() / 1000) - 30 };
    const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJl`;
    server.respondWith(() => ({ body: { active: false } }));
    expect(await authFailure(authenticator().authenticate(withToken(token)))).toBeInstanceOf(UnauthorizedError);
    expect(logger.debug).toHaveBeenCalledTimes(1);
    const [fields, message] = logger.debug.mock.calls[0] as [Record<string, unknown>, string];
    expect(message).toMatch(/^Token refused: Keycloak reports it inactive; expired 3\d s ago; audience lacks codex-bridge/);
    expect(fields).toMatchObject({ clientId: 'codex-bridge', tokenClaims: { sub: 'alice-sub', aud: ['account'] } });
    expect(JSON.stringify(logger.debug.mock.calls)).not.toContain(token);
  });

  it('logs a valid token that breaks an access rule', async () => {
    server.respondWith(() => activeToken('alice-sub'));
    const error = await authFailure(authenticator({ requiredRole: 'codex-user' }).authenticate(withToken()));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(logger.debug).toHaveBeenCalledWith(
      { sub: 'alice-sub', azp: undefined },
      "Token refused: The token lacks the role 'codex-user' required to use this API",
    );
  });
});

describe('KeycloakAuthenticator metrics', () => {
  it('tells its observer of cache hits, misses and failed introspections', async () => {
    const outcomes: string[] = [];
    const config: KeycloakConfig = {
      introspectionUrl: server.url,
      clientId: 'codex-bridge',
      clientSecret: CLIENT_SECRET,
      timeoutMs: 1_000,
      cacheTtlSeconds: 60,
      cacheMaxEntries: 100,
      requiredRole: undefined,
      audience: undefined,
      expectedIssuer: undefined,
      issuerSetting: 'KEYCLOAK_INTROSPECTION_URL',
      startupCheck: 'warn',
      healthIntervalMs: 0,
    };
    const observed = new KeycloakAuthenticator(config, { logger, observer: { onIntrospection: (outcome) => outcomes.push(outcome) } });
    await observed.authenticate(withToken());
    await observed.authenticate(withToken());
    expect(outcomes).toEqual(['cache-miss', 'cache-hit']);
    server.respondWith(() => ({ status: 500, body: { error: 'boom' } }));
    await expect(observed.authenticate(withToken('another.token.value'))).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(outcomes).toEqual(['cache-miss', 'cache-hit', 'cache-miss', 'idp-error']);
  });
});
