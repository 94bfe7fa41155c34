import { problemFor } from '../../src/http/errors';
import request from 'supertest';
import { createAuthenticator, type Authenticator, type AuthRequest } from '../../src/auth';
import { parseConfig } from '../../src/config/env';
import { ForbiddenError, ServiceUnavailableError, UnauthorizedError } from '../../src/errors';
import { authFailure } from './authFailure';
import fs from 'node:fs';
import path from 'node:path';
import { appWithDoubles } from '../support/app';
import { startTestBridge } from '../support/bridge';
import {
  CLIENTS,
  describeWithKeycloak,
  keycloakStartTimeoutMs,
  REALM,
  startKeycloak,
  USERS,
  type ClientCredentials,
  type KeycloakHandle,
} from '../support/keycloak';

/*
 * The Keycloak authenticator against a real Keycloak (dev mode, in-memory, realms from
 * test/fixtures/keycloak/). The last test stops Keycloak: keep it last.
 */

function bearer(token: string): AuthRequest {
  return { authorization: `Bearer ${token}`, userIdOverride: undefined };
}

/** The `sub` claim of a JWT, read without verifying it: only to compare with what introspection said. */
function jwtSubject(token: string): unknown {
  const payload = token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>).sub;
}

describeWithKeycloak('Keycloak authentication against a real Keycloak', () => {
  let keycloak: KeycloakHandle;
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };

  beforeAll(async () => {
    keycloak = await startKeycloak();
    console.info(
      `Keycloak ${keycloak.version} ready in ${keycloak.startupMs} ms (JAVA_HOME=${keycloak.javaHome ?? 'PATH'})`,
    );
  }, keycloakStartTimeoutMs());

  afterAll(async () => {
    await keycloak?.stop();
  }, 60_000);

  beforeEach(() => {
    logger.warn.mockClear();
  });

  /** The environment a deployment would set, so config parsing and URL building are exercised too. */
  function keycloakEnv(env: Record<string, string> = {}, bridge: ClientCredentials = CLIENTS.bridge) {
    return {
      SECURITY_METHOD: 'Keycloak',
      KEYCLOAK_BASE_URL: keycloak.baseUrl,
      KEYCLOAK_REALM: REALM,
      KEYCLOAK_CLIENT_ID: bridge.clientId,
      KEYCLOAK_CLIENT_SECRET: bridge.clientSecret,
      KEYCLOAK_TIMEOUT_SECONDS: '5',
      ...env,
    };
  }

  function authenticator(env: Record<string, string> = {}, bridge?: ClientCredentials): Authenticator {
    return createAuthenticator(parseConfig(keycloakEnv(env, bridge)), logger);
  }

  it("makes the token's subject the user", async () => {
    const { accessToken } = await keycloak.passwordToken(USERS.alice);
    const user = await authenticator().authenticate(bearer(accessToken));
    expect(user).toEqual({ id: jwtSubject(accessToken), source: 'keycloak', username: 'alice' });
  });

  it('gives alice and bob different user ids', async () => {
    const auth = authenticator();
    const alice = await auth.authenticate(bearer((await keycloak.passwordToken(USERS.alice)).accessToken));
    const bob = await auth.authenticate(bearer((await keycloak.passwordToken(USERS.bob)).accessToken));
    expect(alice.id).not.toBe(bob.id);
    expect(bob.username).toBe('bob');
  });

  it('lets the token subject win over a user id override', async () => {
    const { accessToken } = await keycloak.passwordToken(USERS.alice);
    const user = await authenticator().authenticate({
      authorization: `Bearer ${accessToken}`,
      userIdOverride: 'bob',
    });
    expect(user.id).toBe(jwtSubject(accessToken));
  });

  it.each([
    ['a garbage token', () => Promise.resolve('not-a-real-token')],
    [
      'a token from another realm',
      async () => (await keycloak.passwordToken(USERS.carol, CLIENTS.otherRealm)).accessToken,
    ],
    // Keycloak 26.6+ reports a token inactive to a client that is not in its audience.
    [
      'a token whose audience lacks the bridge',
      async () => (await keycloak.passwordToken(USERS.alice, CLIENTS.noAudience)).accessToken,
    ],
  ])('refuses %s with 401', async (_case, obtainToken) => {
    const error = await authFailure(authenticator().authenticate(bearer(await obtainToken())));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(problemFor(error, '/').headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('refuses a token once it has expired, although it was cached', async () => {
    const { accessToken, expiresInSeconds } = await keycloak.passwordToken(USERS.alice, CLIENTS.shortLived);
    expect(expiresInSeconds).toBe(5);
    const auth = authenticator({ KEYCLOAK_CACHE_TTL_SECONDS: '60' });
    await expect(auth.authenticate(bearer(accessToken))).resolves.toMatchObject({ username: 'alice' });
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await authFailure(auth.authenticate(bearer(accessToken)))).toBeInstanceOf(UnauthorizedError);
  }, 30_000);

  it('refuses a revoked token (no cache)', async () => {
    const { accessToken } = await keycloak.passwordToken(USERS.alice);
    const auth = authenticator({ KEYCLOAK_CACHE_TTL_SECONDS: '0' });
    await expect(auth.authenticate(bearer(accessToken))).resolves.toMatchObject({ username: 'alice' });
    await keycloak.revoke(accessToken);
    expect(await authFailure(auth.authenticate(bearer(accessToken)))).toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a token whose session was logged out (no cache)', async () => {
    const { accessToken, refreshToken } = await keycloak.passwordToken(USERS.bob);
    const auth = authenticator({ KEYCLOAK_CACHE_TTL_SECONDS: '0' });
    await expect(auth.authenticate(bearer(accessToken))).resolves.toMatchObject({ username: 'bob' });
    await keycloak.logout(refreshToken);
    expect(await authFailure(auth.authenticate(bearer(accessToken)))).toBeInstanceOf(UnauthorizedError);
  });

  it('still accepts a revoked token while it is cached (the documented price of caching)', async () => {
    const { accessToken } = await keycloak.passwordToken(USERS.alice);
    const auth = authenticator({ KEYCLOAK_CACHE_TTL_SECONDS: '60' });
    await auth.authenticate(bearer(accessToken));
    await keycloak.revoke(accessToken);
    await expect(auth.authenticate(bearer(accessToken))).resolves.toMatchObject({ username: 'alice' });
  });

  it('admits only holders of the required realm role', async () => {
    const auth = authenticator({ KEYCLOAK_REQUIRED_ROLE: 'codex-user' });
    await expect(
      auth.authenticate(bearer((await keycloak.passwordToken(USERS.alice)).accessToken)),
    ).resolves.toMatchObject({ username: 'alice' });
    const error = await authFailure(auth.authenticate(bearer((await keycloak.passwordToken(USERS.bob)).accessToken)));
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('admits only holders of the required client role', async () => {
    const auth = authenticator({ KEYCLOAK_REQUIRED_ROLE: 'codex-bridge:operator' });
    await expect(
      auth.authenticate(bearer((await keycloak.passwordToken(USERS.bob)).accessToken)),
    ).resolves.toMatchObject({ username: 'bob' });
    const error = await authFailure(auth.authenticate(bearer((await keycloak.passwordToken(USERS.alice)).accessToken)));
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('admits only tokens for the required audience', async () => {
    const auth = authenticator({ KEYCLOAK_AUDIENCE: 'codex-api' });
    const withAudience = await keycloak.passwordToken(USERS.alice, CLIENTS.app);
    await expect(auth.authenticate(bearer(withAudience.accessToken))).resolves.toMatchObject({ username: 'alice' });
    const withoutAudience = await keycloak.passwordToken(USERS.alice, CLIENTS.otherApp);
    expect(await authFailure(auth.authenticate(bearer(withoutAudience.accessToken)))).toBeInstanceOf(ForbiddenError);
  });

  it("answers 503, not 401, when Keycloak refuses the bridge's own client secret", async () => {
    const { accessToken } = await keycloak.passwordToken(USERS.alice);
    const auth = authenticator({}, { ...CLIENTS.bridge, clientSecret: 'wrong-secret' });
    const error = await authFailure(auth.authenticate(bearer(accessToken)));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.slug).toBe('identity-provider-unavailable');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'client-credentials-rejected', httpStatus: 401 }),
      expect.any(String),
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(accessToken);
  });

  describe('through the HTTP app', () => {
    it('GET /threads answers 401 problem+json with a Bearer challenge without a token', async () => {
      const { app } = appWithDoubles(keycloakEnv());
      const res = await request(app).get('/threads');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="codex-api-bridge"');
      expect(res.body).toMatchObject({ status: 401, type: 'urn:codex-api-bridge:problem:unauthorized' });
    });

    it('GET /threads answers 401 invalid_token for a bad token and 200 for a good one', async () => {
      const { app } = appWithDoubles(keycloakEnv());
      const bad = await request(app).get('/threads').set('Authorization', 'Bearer not-a-real-token');
      expect(bad.status).toBe(401);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
      const { accessToken } = await keycloak.passwordToken(USERS.alice);
      await request(app).get('/threads').set('Authorization', `Bearer ${accessToken}`).expect(200);
    });

    it('GET /status stays public', async () => {
      const { app } = appWithDoubles(keycloakEnv());
      const res = await request(app).get('/status').expect(200);
      expect(res.body).toMatchObject({ security_method: 'keycloak' });
    });
  });

  describe('through the real bridge and codex', () => {
    it("gives each token's user their own session, threads and CODEX_HOME, and keeps the others out", async () => {
      const bridge = await startTestBridge(keycloakEnv({ ALLOW_USER_ID_OVERRIDE: 'true' }));
      try {
        const alice = `Bearer ${(await keycloak.passwordToken(USERS.alice)).accessToken}`;
        const bob = `Bearer ${(await keycloak.passwordToken(USERS.bob)).accessToken}`;
        const aliceSub = jwtSubject(alice.slice('Bearer '.length)) as string;

        expect(
          (
            await request(bridge.url)
              .post('/chat')
              .send({ messages: [{ content: 'no token' }] })
          ).status,
        ).toBe(401);
        const chat = await request(bridge.url)
          .post('/chat')
          .set('Authorization', alice)
          .set('X-User-Id', 'bob') // ignored: the token's subject wins
          .send({ messages: [{ content: 'alice here' }], stream: false })
          .expect(200);
        expect(chat.body.status).toBe('completed');
        const threadId = chat.body.thread_id as string;

        const aliceThreads = await request(bridge.url).get('/threads').set('Authorization', alice).expect(200);
        expect(aliceThreads.body.threads.map((thread: { thread_id: string }) => thread.thread_id)).toEqual([threadId]);
        const bobThreads = await request(bridge.url).get('/threads').set('Authorization', bob).expect(200);
        expect(bobThreads.body.threads).toEqual([]);
        expect(
          (await request(bridge.url).get('/history').set('Authorization', bob).query({ thread_id: threadId })).status,
        ).toBe(404);
        expect(
          (
            await request(bridge.url)
              .post('/chat')
              .set('Authorization', bob)
              .send({ thread_id: threadId, messages: [{ content: 'x' }] })
          ).status,
        ).toBe(404);

        expect(fs.existsSync(path.join(bridge.dataDir, 'users', aliceSub, 'codex', 'sessions'))).toBe(true);
      } finally {
        await bridge.stop();
      }
    });
  });

  // Stops the shared Keycloak: keep this test last.
  it('answers 503 when Keycloak is down', async () => {
    const { accessToken } = await keycloak.passwordToken(USERS.alice);
    const auth = authenticator({ KEYCLOAK_CACHE_TTL_SECONDS: '0' });
    await expect(auth.authenticate(bearer(accessToken))).resolves.toMatchObject({ username: 'alice' });
    await keycloak.stop();
    const error = await authFailure(auth.authenticate(bearer(accessToken)));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(problemFor(error, '/').headers['Retry-After']).toBeDefined();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ reason: 'unreachable' }), expect.any(String));
  }, 60_000);
});
