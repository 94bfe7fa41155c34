import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createAuthenticator, IdentityProviderStartupError, type AuthRequest } from '../../src/auth';
import { parseConfig } from '../../src/config/env';
import { UnauthorizedError } from '../../src/errors';
import { createLogger, silentLogger } from '../../src/logger';
import { startBridge } from '../../src/server';
import { startTestBridge, type TestBridge } from '../support/bridge';
import {
  describeWithKeycloak,
  distributionBinDir,
  keycloakStartTimeoutMs,
  SHIPPED_REALM,
  startKeycloakDev,
  type DevKeycloakHandle,
  type UserCredentials,
} from '../support/keycloak';
import { waitUntil } from '../support/wait';
import { authFailure } from './authFailure';

/*
 * What an operator gets: `npm run keycloak:dev` (scripts/keycloak-dev.sh) with the shipped realm
 * (deploy/keycloak/codex-bridge-realm.json), the variables it prints, the README's Try it and
 * kcadm.sh blocks, and the bridge's refusal reasons and identity provider state against it.
 * One Keycloak for the whole file; the last test stops it: keep it last.
 */

const ROOT = path.resolve(__dirname, '../..');
const ALICE: UserCredentials = { username: 'alice', password: 'alice "dev" password' };
const BOB: UserCredentials = { username: 'bob', password: 'bob-dev-password' };

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}
const DEBUG = 20;
const WARN = 40;

/** The bridge's log, captured through a pino destination. */
const logLines: LogLine[] = [];
const logger = createLogger('debug', false, {
  write: (line: string) => void logLines.push(JSON.parse(line) as LogLine),
});

function refusals(): string[] {
  return logLines
    .filter((line) => line.level === DEBUG && line.msg.startsWith('Token refused'))
    .map((line) => line.msg);
}

/** The first ```bash block after `heading` in the README. */
function readmeBlock(heading: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const match = /```bash\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match?.[1]) throw new Error(`no bash block after "${heading}"`);
  return match[1];
}

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runBash(script: string, stdin: string, env: NodeJS.ProcessEnv = process.env): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = execFile('bash', ['-c', script], { env, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** `aud` as a list: Keycloak writes a single audience as a string. */
function audiences(token: string): unknown[] {
  const { aud } = jwtPayload(token);
  return aud === undefined ? [] : [aud].flat();
}

/** The README's blocks use jq; .ci/run installs it, so only a local run may lack it (and then skips). */
const hasJq = spawnSync('jq', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasJq && process.env.CI !== 'true') console.warn('README block tests SKIPPED: jq is not installed');
const itWithJq = hasJq || process.env.CI === 'true' ? it : it.skip;

function bearer(token: string): AuthRequest {
  return { authorization: `Bearer ${token}`, userIdOverride: undefined };
}

describeWithKeycloak('npm run keycloak:dev with the shipped realm', () => {
  let keycloak: DevKeycloakHandle;
  let bridge: TestBridge;

  /** The printed variables, as an operator pastes them, plus what makes tests deterministic. */
  function bridgeEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return { ...keycloak.env, KEYCLOAK_CACHE_TTL_SECONDS: '0', KEYCLOAK_TIMEOUT_SECONDS: '3', ...overrides };
  }

  async function threadsStatus(token: string): Promise<number> {
    return (await request(bridge.url).get('/threads').set('Authorization', `Bearer ${token}`)).status;
  }

  beforeAll(async () => {
    keycloak = await startKeycloakDev([ALICE, BOB]);
    const phases = keycloak
      .stderr()
      .split('\n')
      .filter((line) => /ready in|is running/.test(line));
    console.info(
      `keycloak:dev (Keycloak ${keycloak.version}) printed its variables after ${keycloak.startupMs} ms\n${phases.join('\n')}`,
    );
    bridge = await startTestBridge(bridgeEnv({ KEYCLOAK_HEALTH_INTERVAL_SECONDS: '1' }), { logger });
  }, keycloakStartTimeoutMs() + 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await keycloak?.stop();
  }, 90_000);

  beforeEach(() => {
    logLines.length = 0;
  });

  it('prints every variable the bridge needs, with a random secret', () => {
    expect(keycloak.env).toEqual({
      SECURITY_METHOD: 'Keycloak',
      KEYCLOAK_BASE_URL: `http://localhost:${keycloak.httpPort}`,
      KEYCLOAK_REALM: 'codex',
      KEYCLOAK_CLIENT_ID: 'codex-bridge',
      KEYCLOAK_CLIENT_SECRET: expect.stringMatching(/^[0-9a-f]{64}$/),
      KEYCLOAK_REQUIRED_ROLE: 'codex-user',
      KEYCLOAK_AUDIENCE: 'codex-bridge',
    });
    const shipped = fs.readFileSync(path.join(ROOT, 'deploy/keycloak/codex-bridge-realm.json'), 'utf8');
    expect(shipped).not.toContain(keycloak.env.KEYCLOAK_CLIENT_SECRET);
    expect(JSON.parse(shipped)).not.toHaveProperty('users');
  });

  it("admits two users with tokens from the users' public client, each as themselves", async () => {
    const alice = await keycloak.userToken(ALICE);
    const bob = await keycloak.userToken(BOB);
    expect(jwtPayload(alice.accessToken).azp).toBe('codex-cli');
    expect(audiences(alice.accessToken)).toContain('codex-bridge');
    expect(await threadsStatus(alice.accessToken)).toBe(200);
    expect(await threadsStatus(bob.accessToken)).toBe(200);
    const users = logLines
      .filter((line) => line.msg === 'request' && line.path === '/threads')
      .map((line) => line.user);
    expect(users).toEqual([jwtPayload(alice.accessToken).sub, jwtPayload(bob.accessToken).sub]);
    expect(users[0]).not.toBe(users[1]);
  });

  it('reports an ok identity provider in /status', async () => {
    const res = await request(bridge.url).get('/status').expect(200);
    expect(res.body).toMatchObject({
      security_method: 'keycloak',
      identity_provider: { state: 'ok', checked_at: expect.any(String), detail: null },
    });
  });

  itWithJq(
    "runs the README's Try it block: the user's threads, or Keycloak's error and no bridge call",
    async () => {
      const bridgePort = new URL(bridge.url).port;
      const block = readmeBlock('### Try it')
        .replace('http://localhost:8080', keycloak.baseUrl)
        .replace('http://localhost:8000', `http://localhost:${bridgePort}`);
      expect(block).toContain('set -euo pipefail');

      const good = await runBash(block, `${ALICE.username}\n${ALICE.password}\n`);
      expect(good).toMatchObject({ code: 0, stderr: '\n' });
      expect(JSON.parse(good.stdout)).toMatchObject({ threads: expect.any(Array) });

      logLines.length = 0;
      const bad = await runBash(block, `${ALICE.username}\nwrong-password\n`);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('Keycloak refused the token request: {"error":"invalid_grant"');
      expect(bad.stdout).toBe('');
      expect(logLines.filter((line) => line.msg === 'request')).toEqual([]);
    },
    60_000,
  );

  it('refuses, with 401 and the reason logged, a client created later without the audience mapper', async () => {
    const created = await keycloak.admin('POST', '/clients', {
      clientId: 'late-app',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
    });
    expect(created.status).toBe(201);
    const { accessToken } = await keycloak.userToken(ALICE, 'late-app');
    expect(audiences(accessToken)).not.toContain('codex-bridge');
    expect(await threadsStatus(accessToken)).toBe(401);
    expect(refusals()).toEqual([
      expect.stringMatching(
        /^Token refused: Keycloak reports it inactive; audience lacks codex-bridge \(aud: [^)]*\).*azp: late-app/,
      ),
    ]);
    const refusal = logLines.find((line) => line.msg.startsWith('Token refused'));
    expect(refusal).toMatchObject({ tokenClaims: { azp: 'late-app', iss: `${keycloak.baseUrl}/realms/codex` } });
    expect(JSON.stringify(logLines)).not.toContain(accessToken);
  });

  it('logs "expired" for a token past its exp', async () => {
    const created = await keycloak.admin('POST', '/clients', {
      clientId: 'short-lived-app',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
      attributes: { 'access.token.lifespan': '2' },
      protocolMappers: [
        {
          name: 'codex-bridge-audience',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-audience-mapper',
          config: {
            'included.client.audience': 'codex-bridge',
            'access.token.claim': 'true',
            'introspection.token.claim': 'true',
          },
        },
      ],
    });
    expect(created.status).toBe(201);
    const { accessToken, expiresInSeconds } = await keycloak.userToken(ALICE, 'short-lived-app');
    expect(expiresInSeconds).toBe(2);
    expect(await threadsStatus(accessToken)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await threadsStatus(accessToken)).toBe(401);
    expect(refusals()).toEqual([
      expect.stringMatching(/^Token refused: Keycloak reports it inactive; expired \d+ s ago$/),
    ]);
  }, 30_000);

  it('logs "issuer host differs" for a token issued under another host name', async () => {
    // A realm frontend URL makes Keycloak issue tokens under 127.0.0.1; once it is gone, those tokens
    // no longer match the issuer Keycloak expects: what a changed public host name does.
    const frontendUrl = (value: string) => keycloak.admin('PUT', '', { attributes: { frontendUrl: value } });
    expect((await frontendUrl(`http://127.0.0.1:${keycloak.httpPort}`)).status).toBe(204);
    let token: string;
    try {
      token = (await keycloak.userToken(BOB)).accessToken;
    } finally {
      expect((await frontendUrl('')).status).toBe(204);
    }
    expect(jwtPayload(token).iss).toBe(`http://127.0.0.1:${keycloak.httpPort}/realms/codex`);
    expect(await threadsStatus(token)).toBe(401);
    expect(refusals()).toEqual([
      expect.stringMatching(
        /^Token refused: Keycloak reports it inactive; issuer host differs from KEYCLOAK_BASE_URL \(iss http:\/\/127\.0\.0\.1:\d+\/realms\/codex, expected http:\/\/localhost:\d+\/realms\/codex\)/,
      ),
    ]);
  });

  it('logs the rule a valid token breaks, and "no cause" for a revoked one', async () => {
    const created = await keycloak.admin('POST', '/users', {
      username: 'carol',
      enabled: true,
      email: 'carol@example.invalid',
      emailVerified: true,
      firstName: 'Carol',
      lastName: 'Norole',
      credentials: [{ type: 'password', value: 'carol-password', temporary: false }],
    });
    expect(created.status).toBe(201);
    const carol = await keycloak.userToken({ username: 'carol', password: 'carol-password' });
    expect((await request(bridge.url).get('/threads').set('Authorization', `Bearer ${carol.accessToken}`)).status).toBe(
      403,
    );
    expect(refusals()).toEqual(["Token refused: The token lacks the role 'codex-user' required to use this API"]);

    logLines.length = 0;
    const alice = await keycloak.userToken(ALICE);
    const revoked = await fetch(`${keycloak.baseUrl}/realms/codex/protocol/openid-connect/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: 'codex-cli', token: alice.accessToken, token_type_hint: 'access_token' }),
    });
    expect(revoked.status).toBe(200);
    expect(await threadsStatus(alice.accessToken)).toBe(401);
    expect(refusals()).toEqual([expect.stringContaining('its claims show no cause: revoked')]);
  });

  it('accepts 127.0.0.1 as KEYCLOAK_BASE_URL too: the script fixes the issuer to localhost', async () => {
    const auth = createAuthenticator(
      parseConfig(bridgeEnv({ KEYCLOAK_BASE_URL: `http://127.0.0.1:${keycloak.httpPort}` })),
      silentLogger,
    );
    const { accessToken } = await keycloak.userToken(ALICE);
    await expect(auth.authenticate(bearer(accessToken))).resolves.toMatchObject({ username: 'alice' });
  });

  it('with a wrong bridge secret: a start-up warning, /status credentials-rejected, and strict refuses to start', async () => {
    const wrong = bridgeEnv({ KEYCLOAK_CLIENT_SECRET: 'not-the-secret', KEYCLOAK_HEALTH_INTERVAL_SECONDS: '0' });
    const misconfigured = await startTestBridge(wrong, { fake: bridge.fake, logger });
    try {
      const res = await request(misconfigured.url).get('/status').expect(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.identity_provider).toMatchObject({
        state: 'credentials-rejected',
        detail: expect.stringContaining('refused the bridge'),
      });
      expect(logLines).toContainEqual(
        expect.objectContaining({
          level: WARN,
          msg: expect.stringMatching(/^Identity provider check FAILED \(credentials-rejected\)/),
        }),
      );
      expect(JSON.stringify(logLines)).not.toContain('not-the-secret');
    } finally {
      await misconfigured.stop();
    }

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-strict-'));
    try {
      const strict = parseConfig({
        ...wrong,
        KEYCLOAK_STARTUP_CHECK: 'strict',
        HOST: '127.0.0.1',
        PORT: '0',
        BASE_DATA_DIR: dataDir,
      });
      await expect(startBridge(strict, silentLogger)).rejects.toBeInstanceOf(IdentityProviderStartupError);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("reports the users' client set as KEYCLOAK_CLIENT_ID as rejected credentials", async () => {
    const auth = createAuthenticator(parseConfig(bridgeEnv({ KEYCLOAK_CLIENT_ID: 'codex-cli' })), silentLogger);
    await auth.identityProvider?.start('warn');
    expect(auth.identityProvider?.status.state).toBe('credentials-rejected');
  });

  itWithJq(
    "sets up a working realm with the README's kcadm.sh block",
    async () => {
      const realm = 'codex-manual';
      const block = readmeBlock('### Set up Keycloak by hand (kcadm.sh)')
        .replace('http://localhost:8080', keycloak.baseUrl)
        .replace('REALM=codex', `REALM=${realm}`);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kcadm-home-'));
      const adminPassword = fs.readFileSync(path.join(keycloak.stateDir, 'admin-password'), 'utf8').trim();
      let run: ScriptRun;
      try {
        run = await runBash(block, `${adminPassword}\nmanual-alice-password\n`, {
          ...process.env,
          ...keycloak.javaEnv,
          // kcadm.sh keeps its login in ~/.keycloak: not the developer's.
          HOME: home,
          PATH: `${await distributionBinDir()}:${process.env.PATH ?? ''}`,
        });
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
      // The whole run on failure: what kcadm.sh said is the only clue.
      expect(run.code === 0 ? run.code : run).toBe(0);
      const secret = /^KEYCLOAK_CLIENT_SECRET=(\S+)$/m.exec(run.stdout)?.[1];
      expect(secret).toBeDefined();

      const auth = createAuthenticator(
        parseConfig(bridgeEnv({ KEYCLOAK_REALM: realm, KEYCLOAK_CLIENT_SECRET: secret ?? '' })),
        silentLogger,
      );
      const token = await keycloak.userToken(
        { username: 'alice', password: 'manual-alice-password' },
        'codex-cli',
        realm,
      );
      await expect(auth.authenticate(bearer(token.accessToken))).resolves.toMatchObject({ username: 'alice' });
      // The realm's own tokens for another client are still refused: the audience is per client.
      const other = await keycloak.userToken(
        { username: 'alice', password: 'manual-alice-password' },
        'admin-cli',
        realm,
      );
      expect(await authFailure(auth.authenticate(bearer(other.accessToken)))).toBeInstanceOf(UnauthorizedError);
    },
    180_000,
  );

  // Stops the shared Keycloak: keep this test last.
  it('stops cleanly on SIGTERM, and /status then reports the identity provider unreachable', async () => {
    await keycloak.stop();
    expect(keycloak.stderr()).toContain('Keycloak stopped.');
    await waitUntil(
      async () => (await request(bridge.url).get('/status')).body.identity_provider?.state === 'unreachable',
      '/status to notice that Keycloak is gone',
      15_000,
    );
    const res = await request(bridge.url).get('/status').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.identity_provider.detail).toMatch(/ECONNREFUSED/);
    expect((await request(bridge.url).get('/threads').set('Authorization', 'Bearer a.b.c')).status).toBe(503);
  }, 60_000);
});

// The realm file's promises that need no Keycloak.
describe('deploy/keycloak/codex-bridge-realm.json', () => {
  const realm = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy/keycloak/codex-bridge-realm.json'), 'utf8')) as {
    realm: string;
    clients: Array<Record<string, unknown> & { clientId: string }>;
    roles: { realm: Array<{ name: string }> };
    [key: string]: unknown;
  };
  const client = (clientId: string) => realm.clients.find((candidate) => candidate.clientId === clientId);

  it('has no users, no secrets and no realm-wide scopes', () => {
    expect(realm).not.toHaveProperty('users');
    expect(realm).not.toHaveProperty('clientScopes');
    expect(realm).not.toHaveProperty('defaultDefaultClientScopes');
    expect(realm.clients.filter((candidate) => 'secret' in candidate)).toEqual([]);
    expect(realm.roles.realm.map((role) => role.name)).toEqual(['codex-user']);
  });

  it('makes the bridge a confidential client with no flows, and the users client public with PKCE', () => {
    expect(client(SHIPPED_REALM.bridgeClient)).toMatchObject({
      publicClient: false,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
    });
    expect(client(SHIPPED_REALM.usersClient)).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      directAccessGrantsEnabled: true,
      attributes: expect.objectContaining({ 'pkce.code.challenge.method': 'S256' }),
      protocolMappers: [
        expect.objectContaining({ config: expect.objectContaining({ 'included.client.audience': 'codex-bridge' }) }),
      ],
    });
  });
});
