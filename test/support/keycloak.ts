/**
 * A real Keycloak for end-to-end tests: the server distribution from Maven Central (downloaded once
 * into a cache by scripts/keycloak.sh), started in dev mode with an in-memory database and the realms
 * of test/fixtures/keycloak/, on free ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../..');
const FIXTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/keycloak');
const FETCH_SCRIPT = path.join(REPO_ROOT, 'scripts/keycloak.sh');
/** What `npm run keycloak:dev` runs. */
const DEV_SCRIPT = path.join(REPO_ROOT, 'scripts/keycloak-dev.sh');
/** Keep in sync with scripts/keycloak.sh. 26.6+ runs on Java 25; 26.x still starts on Java 17. */
export const KEYCLOAK_VERSION = process.env.KEYCLOAK_VERSION ?? '26.7.3';
const CACHE_DIR = process.env.KEYCLOAK_CACHE_DIR ?? path.join(REPO_ROOT, '.cache/keycloak');
const MIN_JAVA_MAJOR = 17;
const READY_TIMEOUT_MS = 180_000;
const DOWNLOAD_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs Keycloak and takes its process group down as soon as the test process is gone, so a crashed
 * or killed jest never leaves a Keycloak behind (jest's sandbox never delivers process 'exit' events).
 */
const WATCHDOG = `
"$@" &
server=$!
while kill -0 "$WATCHED_PID" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
kill -TERM -- -$$ 2>/dev/null
`;

/** Mirrors test/fixtures/keycloak/*.json. */
export const REALM = 'bridge-test';
export const OTHER_REALM = 'other-realm';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  realm: string;
}

export interface UserCredentials {
  username: string;
  password: string;
}

export const CLIENTS = {
  /** The bridge's own confidential client; it only introspects. */
  bridge: { clientId: 'codex-bridge', clientSecret: 'bridge-secret', realm: REALM },
  /** Password grant; audiences `codex-bridge` and `codex-api`. */
  app: { clientId: 'test-app', clientSecret: 'test-app-secret', realm: REALM },
  /** Password grant; audience `codex-bridge` only. */
  otherApp: { clientId: 'other-app', clientSecret: 'other-app-secret', realm: REALM },
  /** Password grant; 5-second access tokens. */
  shortLived: { clientId: 'short-lived-app', clientSecret: 'short-lived-secret', realm: REALM },
  /** Password grant; no audience mapper, so the bridge is not in the token's audience. */
  noAudience: { clientId: 'no-audience-app', clientSecret: 'no-audience-secret', realm: REALM },
  /** Password grant in the other realm. */
  otherRealm: { clientId: 'other-client', clientSecret: 'other-client-secret', realm: OTHER_REALM },
} satisfies Record<string, ClientCredentials>;

export const USERS = {
  /** Has the realm role `codex-user`. */
  alice: { username: 'alice', password: 'alice-password' },
  /** Has the client role `codex-bridge:operator`. */
  bob: { username: 'bob', password: 'bob-password' },
  /** Lives in the other realm. */
  carol: { username: 'carol', password: 'carol-password' },
} satisfies Record<string, UserCredentials>;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface KeycloakHandle {
  version: string;
  javaHome: string | undefined;
  /** `http://localhost:PORT`: tokens carry this issuer, so introspect through the same host name. */
  baseUrl: string;
  startupMs: number;
  introspectionUrl(realm?: string): string;
  passwordToken(user: UserCredentials, client?: ClientCredentials): Promise<TokenPair>;
  /** Revokes an access token; must be called with the client the token was issued to. */
  revoke(accessToken: string, client?: ClientCredentials): Promise<void>;
  /** Ends the token's session; its access tokens then introspect as inactive. */
  logout(refreshToken: string, client?: ClientCredentials): Promise<void>;
  stop(): Promise<void>;
}

interface JavaRuntime {
  /** Undefined: the `java` on PATH. */
  javaHome: string | undefined;
  major: number;
}

export type KeycloakAvailability = { available: true; java: JavaRuntime } | { available: false; reason: string };

let availabilityMemo: KeycloakAvailability | undefined;

/** Whether this machine can run the Keycloak suite: a JDK, and the distribution cached or mvn to fetch it. */
export function keycloakAvailability(): KeycloakAvailability {
  availabilityMemo ??= checkAvailability();
  return availabilityMemo;
}

function checkAvailability(): KeycloakAvailability {
  const java = findJava();
  if (!java) {
    return { available: false, reason: `no Java ${MIN_JAVA_MAJOR}+ found (set KEYCLOAK_JAVA_HOME or JAVA_HOME)` };
  }
  if (!existsSync(kcScript()) && !commandWorks('mvn', ['-v'])) {
    return { available: false, reason: `Keycloak ${KEYCLOAK_VERSION} is not in ${CACHE_DIR} and mvn is missing` };
  }
  return { available: true, java };
}

/**
 * `describe` when Keycloak can run here. Otherwise the suite is skipped with a warning, except in
 * CI (CI=true), where a missing prerequisite is a failure: a silently skipped security suite is worse.
 */
export function describeWithKeycloak(name: string, body: () => void): void {
  const availability = keycloakAvailability();
  if (availability.available) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has its prerequisites (required when CI=true)', () => {
        throw new Error(`Keycloak suite cannot run in CI: ${availability.reason}`);
      });
    });
  } else {
    console.warn(`Keycloak suite SKIPPED: ${availability.reason}`);
    describe.skip(name, body);
  }
}

/** A beforeAll timeout that covers start-up, plus the download when the distribution is not cached yet. */
export function keycloakStartTimeoutMs(): number {
  return READY_TIMEOUT_MS + (existsSync(kcScript()) ? 0 : DOWNLOAD_TIMEOUT_MS) + 60_000;
}

export async function startKeycloak(): Promise<KeycloakHandle> {
  const availability = keycloakAvailability();
  if (!availability.available) throw new Error(`Cannot start Keycloak: ${availability.reason}`);
  const home = await ensureDistribution();
  installRealmFixtures(home);

  const [httpPort, managementPort] = [await freePort(), await freePort()];
  const baseUrl = `http://localhost:${httpPort}`;
  const logFile = path.join(CACHE_DIR, 'logs', `keycloak-${httpPort}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'w');
  const startedAt = Date.now();
  const child = spawn(
    'bash',
    [
      '-c',
      WATCHDOG,
      'keycloak-watchdog',
      path.join(home, 'bin/kc.sh'),
      'start-dev',
      '--http-host=127.0.0.1',
      `--http-port=${httpPort}`,
      `--hostname=${baseUrl}`,
      '--health-enabled=true',
      `--http-management-port=${managementPort}`,
      '--import-realm',
      '--db=dev-mem',
    ],
    {
      // Its own process group, so stop() can take the watchdog, kc.sh and the JVM down together.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        ...(availability.java.javaHome ? { JAVA_HOME: availability.java.javaHome } : {}),
        JAVA_OPTS_KC_HEAP: '-Xms256m -Xmx768m',
        KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
        KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin',
        WATCHED_PID: String(process.pid),
      },
    },
  );
  closeSync(logFd);
  const processGroup = child.pid;
  if (processGroup === undefined) throw new Error('could not start Keycloak');
  let stopped: Promise<void> | undefined;
  // Idempotent: a test may stop Keycloak early and afterAll stops it again.
  const stop = (): Promise<void> => {
    stopped ??= stopGroup(processGroup);
    return stopped;
  };
  try {
    await waitUntilReady(child, `http://localhost:${managementPort}/health/ready`, logFile);
  } catch (error) {
    await stop(); // the log stays, for the error message's reader
    throw error;
  }
  return {
    version: KEYCLOAK_VERSION,
    javaHome: availability.java.javaHome,
    baseUrl,
    startupMs: Date.now() - startedAt,
    introspectionUrl: (realm = REALM) => `${oidcUrl(baseUrl, realm)}/token/introspect`,
    passwordToken: (user, client = CLIENTS.app) => passwordToken(baseUrl, user, client),
    revoke: (accessToken, client = CLIENTS.app) =>
      postForm(`${oidcUrl(baseUrl, client.realm)}/revoke`, {
        ...clientFields(client),
        token: accessToken,
        token_type_hint: 'access_token',
      }).then(expectOk('revoke')),
    logout: (refreshToken, client = CLIENTS.app) =>
      postForm(`${oidcUrl(baseUrl, client.realm)}/logout`, {
        ...clientFields(client),
        refresh_token: refreshToken,
      }).then(expectOk('logout')),
    stop: () => stop().then(() => rmSync(logFile, { force: true })),
  };
}

/** `bin/` of the cached distribution (kc.sh, kcadm.sh); fetched on first use. */
export async function distributionBinDir(): Promise<string> {
  return path.join(await ensureDistribution(), 'bin');
}

function kcScript(): string {
  return path.join(CACHE_DIR, `keycloak-${KEYCLOAK_VERSION}`, 'bin/kc.sh');
}

/** The extracted distribution, fetched by scripts/keycloak.sh (the same script CI runs) on first use. */
async function ensureDistribution(): Promise<string> {
  if (!existsSync(kcScript())) {
    const fetcher = spawn('bash', [FETCH_SCRIPT], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, KEYCLOAK_VERSION, KEYCLOAK_CACHE_DIR: CACHE_DIR },
    });
    const timer = setTimeout(() => fetcher.kill('SIGKILL'), DOWNLOAD_TIMEOUT_MS);
    const [code] = (await once(fetcher, 'exit').finally(() => clearTimeout(timer))) as [number | null];
    if (code !== 0 || !existsSync(kcScript())) {
      throw new Error(`scripts/keycloak.sh could not fetch Keycloak ${KEYCLOAK_VERSION} (exit ${code})`);
    }
  }
  return path.dirname(path.dirname(kcScript()));
}

function installRealmFixtures(home: string): void {
  const importDir = path.join(home, 'data/import');
  mkdirSync(importDir, { recursive: true });
  const fixtures = readdirSync(FIXTURES_DIR).filter((name) => name.endsWith('.json'));
  // Replaced atomically and only when changed: another test worker's Keycloak may be importing
  // from this folder right now.
  for (const file of fixtures) {
    const content = readFileSync(path.join(FIXTURES_DIR, file));
    const target = path.join(importDir, file);
    if (existsSync(target) && readFileSync(target).equals(content)) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  }
  // A realm removed from the fixtures must not be imported from a stale copy.
  for (const file of readdirSync(importDir).filter((name) => name.endsWith('.json') && !fixtures.includes(name))) {
    rmSync(path.join(importDir, file), { force: true });
  }
}

async function waitUntilReady(child: ChildProcess, healthUrl: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Keycloak exited during start-up (log: ${logFile}):\n${logTail(logFile)}`);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(`Keycloak was not ready within ${READY_TIMEOUT_MS / 1000} s (log: ${logFile}):\n${logTail(logFile)}`);
}

async function stopGroup(processGroup: number): Promise<void> {
  killGroup(processGroup, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(processGroup)) {
    if (Date.now() > deadline) {
      killGroup(processGroup, 'SIGKILL');
      await sleep(500);
      return;
    }
    await sleep(200);
  }
}

function killGroup(processGroup: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-processGroup, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(processGroup: number): boolean {
  try {
    process.kill(-processGroup, 0);
    return true;
  } catch {
    return false;
  }
}

async function passwordToken(baseUrl: string, user: UserCredentials, client: ClientCredentials): Promise<TokenPair> {
  const response = await postForm(`${oidcUrl(baseUrl, client.realm)}/token`, {
    ...clientFields(client),
    grant_type: 'password',
    username: user.username,
    password: user.password,
    scope: 'openid',
  });
  const body = (await response.json()) as Record<string, unknown>;
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = body;
  if (response.status !== 200 || typeof accessToken !== 'string' || typeof refreshToken !== 'string') {
    throw new Error(
      `password grant for ${user.username} via ${client.clientId} failed: HTTP ${response.status} ${JSON.stringify(body)}`,
    );
  }
  return { accessToken, refreshToken, expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : 0 };
}

function oidcUrl(baseUrl: string, realm: string): string {
  return `${baseUrl}/realms/${encodeURIComponent(realm)}/protocol/openid-connect`;
}

/** A public client (empty secret) authenticates with its id alone. */
function clientFields(client: ClientCredentials): Record<string, string> {
  return client.clientSecret
    ? { client_id: client.clientId, client_secret: client.clientSecret }
    : { client_id: client.clientId };
}

function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), signal: AbortSignal.timeout(10_000) });
}

function expectOk(what: string): (response: Response) => Promise<void> {
  return async (response) => {
    if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${await response.text()}`);
  };
}

function findJava(): JavaRuntime | undefined {
  const explicit = process.env.KEYCLOAK_JAVA_HOME;
  if (explicit) return javaAt(explicit);
  const jvmDir = '/usr/lib/jvm';
  const homes = [
    process.env.JAVA_HOME,
    ...(existsSync(jvmDir) ? readdirSync(jvmDir).map((name) => path.join(jvmDir, name)) : []),
  ];
  const runtimes = homes.flatMap((home) => (home ? [javaAt(home)] : []));
  const onPath = javaMajor('java');
  if (onPath !== undefined) runtimes.push({ javaHome: undefined, major: onPath });
  // The newest JDK: Keycloak deprecates old ones first.
  return runtimes
    .filter((runtime): runtime is JavaRuntime => runtime !== undefined && runtime.major >= MIN_JAVA_MAJOR)
    .sort((a, b) => b.major - a.major)[0];
}

function javaAt(home: string): JavaRuntime | undefined {
  const major = javaMajor(path.join(home, 'bin/java'));
  return major === undefined ? undefined : { javaHome: home, major };
}

function javaMajor(javaBinary: string): number | undefined {
  const result = spawnSync(javaBinary, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return undefined;
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match?.[1] ? Number(match[1]) : undefined;
}

function commandWorks(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function logTail(logFile: string, lines = 40): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Mirrors deploy/keycloak/codex-bridge-realm.json. */
export const SHIPPED_REALM = { realm: 'codex', bridgeClient: 'codex-bridge', usersClient: 'codex-cli' } as const;

export interface DevKeycloakHandle {
  version: string;
  /** `http://localhost:PORT`, as printed by the script. */
  baseUrl: string;
  httpPort: number;
  managementPort: number;
  /** The variables the script printed for .env. */
  env: Record<string, string>;
  /** Time from spawning the script to its printed variables (start, realm, secret, users). */
  startupMs: number;
  /** The script's stderr so far (progress messages; Keycloak's own log goes to a file). */
  stderr(): string;
  /** Admin password, bridge secret, kcadm config and Keycloak's log (removed by stop()). */
  stateDir: string;
  /** JAVA_HOME as the script got it, for other Keycloak tools (kcadm.sh). */
  javaEnv: Record<string, string>;
  /** A password grant through a public client (no client secret), by default the shipped realm's users' client. */
  userToken(user: UserCredentials, clientId?: string, realm?: string): Promise<TokenPair>;
  /** An admin REST call as the bootstrap admin; `path` is below /admin/realms/{realm}. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** SIGTERM to the script's process group, as `kill` or a terminal closing would; resolves when all are gone. */
  stop(): Promise<void>;
}

/**
 * Keycloak as an operator starts it: `scripts/keycloak-dev.sh` (npm run keycloak:dev) with the shipped
 * realm, on free ports, with a temporary state folder. Resolves once the script printed its variables.
 */
export async function startKeycloakDev(users: Array<UserCredentials>): Promise<DevKeycloakHandle> {
  const availability = keycloakAvailability();
  if (!availability.available) throw new Error(`Cannot start Keycloak: ${availability.reason}`);
  await ensureDistribution();
  const [httpPort, managementPort] = [await freePort(), await freePort()];
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'keycloak-dev-'));
  const userArgs = users.flatMap((user) => ['--user', user.username, '--password', user.password]);
  // The admin password must be the random one the script keeps in the state folder.
  const { KC_BOOTSTRAP_ADMIN_PASSWORD: _ignored, ...inherited } = process.env;
  const javaEnv: Record<string, string> = availability.java.javaHome ? { JAVA_HOME: availability.java.javaHome } : {};
  const startedAt = Date.now();
  const child = spawn(
    'bash',
    [
      '-c',
      WATCHDOG,
      'keycloak-watchdog',
      'bash',
      DEV_SCRIPT,
      '--port',
      String(httpPort),
      '--management-port',
      String(managementPort),
      '--state-dir',
      stateDir,
      ...userArgs,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...inherited,
        ...javaEnv,
        KEYCLOAK_VERSION,
        KEYCLOAK_CACHE_DIR: CACHE_DIR,
        WATCHED_PID: String(process.pid),
      },
    },
  );
  const processGroup = child.pid;
  if (processGroup === undefined) throw new Error('could not start scripts/keycloak-dev.sh');
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopGroup(processGroup).then(() => rmSync(stateDir, { recursive: true, force: true }));
    return stopped;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS + 60_000;
  // The last variable printed ends the block.
  while (!/^KEYCLOAK_AUDIENCE=.*\n/m.test(stdout)) {
    if (exited || Date.now() > deadline) {
      const why = exited ? 'exited' : 'printed no variables in time';
      await stop();
      throw new Error(`scripts/keycloak-dev.sh ${why}:\n${stderr}`);
    }
    await sleep(250);
  }
  const env = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
      .flatMap((match) => (match?.[1] !== undefined && match[2] !== undefined ? [[match[1], match[2]]] : [])),
  ) as Record<string, string>;
  const baseUrl = env.KEYCLOAK_BASE_URL ?? `http://localhost:${httpPort}`;
  const adminPassword = readFileSync(path.join(stateDir, 'admin-password'), 'utf8').trim();

  const adminToken = async (): Promise<string> => {
    const response = await postForm(`${oidcUrl(baseUrl, 'master')}/token`, {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'admin',
      password: adminPassword,
    });
    const body = (await response.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string') throw new Error(`admin login failed: HTTP ${response.status}`);
    return body.access_token;
  };

  return {
    version: KEYCLOAK_VERSION,
    baseUrl,
    httpPort,
    managementPort,
    env,
    startupMs: Date.now() - startedAt,
    stateDir,
    javaEnv,
    stderr: () => stderr,
    userToken: (user, clientId = SHIPPED_REALM.usersClient, realm = SHIPPED_REALM.realm) =>
      passwordToken(baseUrl, user, { clientId, clientSecret: '', realm }),
    admin: async (method, adminPath, body) =>
      fetch(`${baseUrl}/admin/realms/${SHIPPED_REALM.realm}${adminPath}`, {
        method,
        headers: {
          authorization: `Bearer ${await adminToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      }),
    stop,
  };
}
