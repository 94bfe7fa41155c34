import { ConfigError, parseConfig } from '../../src/config/env';

describe('parseConfig', () => {
  it('applies the original bridge defaults, with safe ones where it had none', () => {
    const config = parseConfig({});
    expect(config.port).toBe(8000);
    // Unauthenticated: loopback only, and no CORS.
    expect(config.host).toBe('127.0.0.1');
    expect(config.maxSessions).toBe(50);
    expect(config.idleTimeoutMs).toBe(300_000);
    expect(config.cleanupIntervalMs).toBe(60_000);
    expect(config.baseDataDir.endsWith('data/codex')).toBe(true);
    expect(config.securityMethod).toBe('none');
    expect(config.approvalPolicy).toBe('never');
    expect(config.sandbox).toBe('workspace-write');
    expect(config.corsOrigins).toEqual([]);
    expect(config.ceiling).toEqual({
      approvalPolicies: ['never'],
      sandboxModes: ['workspace-write'],
      allowEscalation: false,
      grantablePermissions: [],
    });
    expect(config.isolation.mode).toBe('auto');
    expect(config.multiUser).toBe(false);
  });

  it('binds every address with Keycloak; without authentication only when the operator says so', () => {
    const keycloak = { SECURITY_METHOD: 'Keycloak', KEYCLOAK_BASE_URL: 'http://kc', KEYCLOAK_REALM: 'r', KEYCLOAK_CLIENT_ID: 'c', KEYCLOAK_CLIENT_SECRET: 's' };
    expect(parseConfig(keycloak).host).toBe('0.0.0.0');
    expect(parseConfig(keycloak).multiUser).toBe(true);
    expect(() => parseConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: .*ALLOW_UNAUTHENTICATED_REMOTE/);
    expect(parseConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_REMOTE: 'true' }).host).toBe('0.0.0.0');
    expect(parseConfig({ HOST: 'localhost' }).host).toBe('localhost');
  });

  it('refuses values that would only fail later', () => {
    expect(() => parseConfig({ OPENAI_BASE_URL: 'localhost:1234' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => parseConfig({ HOST: '999.1.1.1' })).toThrow(/HOST: '999.1.1.1' is not a valid IPv4 address/);
    expect(() => parseConfig({ CORS_ORIGINS: 'not a url' })).toThrow(/CORS_ORIGINS: 'not a url' is not an origin/);
    expect(() => parseConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
    expect(parseConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
    expect(parseConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
  });

  it('keeps the operator home and the bridge out of reach of the users', () => {
    expect(() => parseConfig({ ALLOW_USER_ID_OVERRIDE: 'true', CODEX_HOME: '/home/op/.codex' })).toThrow(/CODEX_HOME: only a single-user bridge/);
    expect(parseConfig({ CODEX_HOME: '/home/op/.codex' }).codexHome).toBe('/home/op/.codex');
    expect(() => parseConfig({ CODEX_WORKING_DIR: process.cwd() })).toThrow(/CODEX_WORKING_DIR: .* holds the bridge's own code/);
    expect(() => parseConfig({ CODEX_WORKING_DIR: '/srv/data', BASE_DATA_DIR: '/srv/data/codex' })).toThrow(/overlaps BASE_DATA_DIR/);
  });

  it('always allows the operator default and widens only by the lists', () => {
    const config = parseConfig({ CODEX_APPROVAL_POLICY: 'untrusted', CODEX_ALLOWED_APPROVAL_POLICIES: 'on-request' });
    expect(config.ceiling.approvalPolicies).toEqual(['untrusted', 'on-request']);
    expect(() => parseConfig({ CODEX_ALLOWED_SANDBOX_MODES: 'everything' })).toThrow(/CODEX_ALLOWED_SANDBOX_MODES/);
    expect(() => parseConfig({ CODEX_ENV_PASSTHROUGH: 'OK_NAME,bad name' })).toThrow(/CODEX_ENV_PASSTHROUGH/);
    expect(() => parseConfig({ ISOLATION: 'maybe' })).toThrow(/ISOLATION/);
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

describe('several replicas (REDIS_URL)', () => {
  it('is off without REDIS_URL: one process, as always', () => {
    expect(parseConfig({}).cluster).toBeUndefined();
  });

  it('derives the replica name and the address the others forward to', () => {
    const config = parseConfig({ REDIS_URL: 'redis://:pw@redis:6379/0', CLUSTER_REPLICA_ID: 'bridge-1', PORT: '8000' });
    expect(config.cluster).toEqual({
      redisUrl: 'redis://:pw@redis:6379/0',
      replicaId: 'bridge-1',
      advertiseUrl: 'http://bridge-1:8000',
      leaseMs: 15_000,
      keyPrefix: 'codex-bridge',
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => parseConfig({ REDIS_URL: 'http://redis:6379' })).toThrow(/REDIS_URL/);
    expect(() => parseConfig({ REDIS_URL: 'redis://r', CLUSTER_REPLICA_ID: 'a/b' })).toThrow(/CLUSTER_REPLICA_ID/);
    expect(() => parseConfig({ REDIS_URL: 'redis://r', CLUSTER_LEASE_SECONDS: '0' })).toThrow(/CLUSTER_LEASE_SECONDS/);
    expect(() => parseConfig({ REDIS_URL: 'redis://r', PORT: '0' })).toThrow(/CLUSTER_ADVERTISE_URL/);
    expect(() => parseConfig({ CLUSTER_REPLICA_ID: 'a' })).toThrow(/REDIS_URL/);
  });
});
