import pino from 'pino';
import { createAuthenticator, KeycloakAuthenticator, NoneAuthenticator, type AuthLogger } from '../../src/auth';
import { parseConfig } from '../../src/config/env';

describe('SECURITY_METHOD=None', () => {
  it('makes every request the default user', async () => {
    const authenticator = createAuthenticator(parseConfig({}));
    expect(authenticator.method).toBe('none');
    await expect(authenticator.authenticate({ authorization: undefined, userIdOverride: undefined })).resolves.toEqual({
      id: 'default',
      source: 'default',
    });
  });

  it('ignores a user id override unless ALLOW_USER_ID_OVERRIDE is set', async () => {
    const authenticator = createAuthenticator(parseConfig({ ALLOW_USER_ID_OVERRIDE: 'false' }));
    await expect(authenticator.authenticate({ authorization: undefined, userIdOverride: 'mallory' })).resolves.toEqual({
      id: 'default',
      source: 'default',
    });
  });

  it('lets the override pick the user when allowed', async () => {
    const authenticator = createAuthenticator(parseConfig({ ALLOW_USER_ID_OVERRIDE: 'true' }));
    await expect(authenticator.authenticate({ authorization: undefined, userIdOverride: 'alice' })).resolves.toEqual({
      id: 'alice',
      source: 'override',
    });
    await expect(authenticator.authenticate({ authorization: undefined, userIdOverride: '  ' })).resolves.toEqual({
      id: 'default',
      source: 'default',
    });
  });

  it('does not look at an Authorization header', async () => {
    const authenticator = new NoneAuthenticator(false);
    await expect(
      authenticator.authenticate({ authorization: 'Bearer whatever', userIdOverride: undefined }),
    ).resolves.toEqual({ id: 'default', source: 'default' });
  });
});

describe('createAuthenticator', () => {
  it('builds a Keycloak authenticator for SECURITY_METHOD=Keycloak and logs how it authenticates', () => {
    const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const config = parseConfig({
      SECURITY_METHOD: 'Keycloak',
      KEYCLOAK_BASE_URL: 'http://localhost:8080',
      KEYCLOAK_REALM: 'bridge-test',
      KEYCLOAK_CLIENT_ID: 'codex-bridge',
      KEYCLOAK_CLIENT_SECRET: 'bridge-secret',
    });
    const authenticator = createAuthenticator(config, logger);
    expect(authenticator).toBeInstanceOf(KeycloakAuthenticator);
    expect(authenticator.method).toBe('keycloak');
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain('bridge-secret');
  });

  it('refuses a Keycloak method without Keycloak settings instead of silently authenticating nobody', () => {
    const config = { ...parseConfig({}), securityMethod: 'keycloak' as const };
    expect(() => createAuthenticator(config)).toThrow(/Keycloak configuration is missing/);
  });

  it('accepts a pino logger', () => {
    const logger: AuthLogger = pino({ level: 'silent' });
    expect(createAuthenticator(parseConfig({}), logger).method).toBe('none');
  });
});
