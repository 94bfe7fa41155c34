import { ConfigError, parseConfig } from '../../src/config/env';

describe('parseConfig', () => {
  it('applies the original bridge defaults', () => {
    const config = parseConfig({});
    expect(config.port).toBe(8000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.maxSessions).toBe(50);
    expect(config.idleTimeoutMs).toBe(300_000);
    expect(config.cleanupIntervalMs).toBe(60_000);
    expect(config.baseDataDir.endsWith('data/codex')).toBe(true);
    expect(config.securityMethod).toBe('none');
    expect(config.approvalPolicy).toBe('never');
    expect(config.sandbox).toBe('workspace-write');
    expect(config.corsOrigins).toBe('*');
  });

  it('accepts Python log level names', () => {
    expect(parseConfig({ LOG_LEVEL: 'WARNING' }).logLevel).toBe('warn');
    expect(parseConfig({ LOG_LEVEL: 'INFO' }).logLevel).toBe('info');
  });

  it('names the variable that is wrong', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseConfig({ MAX_SESSIONS: '0' })).toThrow(/MAX_SESSIONS/);
    expect(() => parseConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => parseConfig({ DEBUG: 'maybe' })).toThrow(/DEBUG/);
    // codex 0.169 has no such policy: refusing it at start-up beats a 502 on every chat.
    expect(() => parseConfig({ CODEX_APPROVAL_POLICY: 'on-failure' })).toThrow(/CODEX_APPROVAL_POLICY/);
  });

  it('names every missing Keycloak setting', () => {
    try {
      parseConfig({ SECURITY_METHOD: 'Keycloak' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['KEYCLOAK_CLIENT_ID', 'KEYCLOAK_CLIENT_SECRET', 'KEYCLOAK_BASE_URL', 'KEYCLOAK_REALM']) {
        expect(message).toContain(name);
      }
    }
  });

  it('derives the introspection URL from base URL and realm', () => {
    const config = parseConfig({
      SECURITY_METHOD: 'keycloak',
      KEYCLOAK_BASE_URL: 'http://localhost:8080/',
      KEYCLOAK_REALM: 'team',
      KEYCLOAK_CLIENT_ID: 'bridge',
      KEYCLOAK_CLIENT_SECRET: 's3cret',
    });
    expect(config.keycloak?.introspectionUrl).toBe(
      'http://localhost:8080/realms/team/protocol/openid-connect/token/introspect',
    );
  });

  it('splits a CORS origin list', () => {
    expect(parseConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });
});
