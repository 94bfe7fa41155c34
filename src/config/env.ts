import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WEBHOOK_EVENTS, USER_EVENT_TYPES } from '../codex/userEventTypes';
import { isCidr } from './cidr';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'TRUE', 'FALSE', 'True', 'False'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value.toLowerCase()));

const positiveInt = z.coerce.number().int().positive();
const MIB = 1024 * 1024;
const nonNegativeNumber = z.coerce.number().nonnegative();
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/ }).optional());
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
/** `Keycloak`, `keycloak` and ` KEYCLOAK ` alike: the original bridge's .env files spell them freely. */
function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(values));
}
const approvalPolicy = z.enum(['never', 'on-request', 'untrusted']);
const sandboxMode = z.enum(['read-only', 'workspace-write', 'danger-full-access']);
const grantablePermission = z.enum(['file_system', 'network']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Python's level names (INFO, WARNING, CRITICAL) are accepted so that an old bridge's .env keeps working. */
const logLevel = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'critical', 'fatal', 'silent']))
  .transform((value) => (value === 'warning' ? 'warn' : value === 'critical' ? 'fatal' : value));

/**
 * Every variable the bridge reads. The original Python bridge's names and defaults are kept;
 * the ones it did not have are documented in .env.example.
 */
export const envSchema = z
  .object({
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl,
    CODEX_BINARY_PATH: optionalString,
    CODEX_WORKING_DIR: optionalString,
    CODEX_HOME: optionalString,
    CODEX_MODEL: optionalString,
    CODEX_APPROVAL_POLICY: approvalPolicy.default('never'),
    CODEX_SANDBOX: sandboxMode.default('workspace-write'),
    CODEX_ALLOWED_APPROVAL_POLICIES: list.pipe(z.array(approvalPolicy)),
    CODEX_ALLOWED_SANDBOX_MODES: list.pipe(z.array(sandboxMode)),
    CODEX_ALLOW_ESCALATION: booleanFromEnv.default(false),
    CODEX_GRANTABLE_PERMISSIONS: list.pipe(z.array(grantablePermission)),
    CODEX_USER_QUESTIONS: booleanFromEnv.default(true),
    CODEX_ENV_PASSTHROUGH: list.pipe(
      z.array(z.string().regex(ENV_NAME, 'each entry must be a variable name (letters, digits, _)')),
    ),
    CODEX_KEEP_BACKGROUND_COMMANDS: booleanFromEnv.default(false),
    CODEX_PLAN_TOOL: booleanFromEnv.default(true),
    ISOLATION: caseInsensitiveEnum(['auto', 'bubblewrap', 'none']).default('auto'),
    BWRAP_PATH: optionalString,
    ISOLATION_UID_BASE: z.coerce.number().int().min(1000).max(4_000_000_000).default(200_000),
    ISOLATION_UID_COUNT: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    ISOLATION_READ_ONLY_PATHS: list.pipe(z.array(z.string().startsWith('/', 'each entry must be an absolute path'))),
    TENANT_MAX_PROCESSES: positiveInt.default(512),
    TENANT_MAX_PROCESS_MEMORY_MB: positiveInt.default(8192),
    TENANT_TMP_SIZE_MB: positiveInt.default(512),
    MAX_TURNS_PER_USER: positiveInt.default(5),
    CODEX_REQUEST_MAX_RETRIES: z.coerce.number().int().min(0).max(100).optional(),
    CODEX_STREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(100).optional(),
    HOST: optionalString,
    ALLOW_UNAUTHENTICATED_REMOTE: booleanFromEnv.default(false),
    PORT: z.coerce.number().int().min(0).max(65535).default(8000),
    DEBUG: booleanFromEnv.default(false),
    LOG_LEVEL: logLevel.default('info'),
    BASE_DATA_DIR: z.string().min(1).default('./data/codex'),
    MAX_SESSIONS: positiveInt.default(50),
    IDLE_TIMEOUT_SECONDS: nonNegativeNumber.default(300),
    CLEANUP_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
    ALLOW_USER_ID_OVERRIDE: booleanFromEnv.default(false),
    CORS_ORIGINS: z.string().default(''),
    API_COMPAT: z.enum(['default', 'original']).default('default'),
    MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
    TURN_TIMEOUT_SECONDS: z.coerce.number().positive().default(900),
    APPROVAL_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
    TURN_RETENTION_SECONDS: nonNegativeNumber.default(600),
    TURN_RETENTION_MAX: positiveInt.default(100),
    RPC_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
    SSE_KEEPALIVE_SECONDS: z.coerce.number().positive().default(15),
    MAX_STREAMS_PER_USER: positiveInt.default(20),
    SHUTDOWN_GRACE_SECONDS: nonNegativeNumber.default(10),
    TURN_EVENTS_MAX_BYTES: positiveInt.default(4 * MIB),
    IMAGE_MAX_BYTES: positiveInt.default(5 * MIB),
    USER_EVENTS_MAX_BYTES: positiveInt.default(32 * MIB),
    EVENTS_MAX_BYTES: positiveInt.default(256 * MIB),
    MEMORY_SHED_HEAP_RATIO: z.coerce.number().gt(0).max(1).default(0.85),
    MEMORY_SHED_RSS_BYTES: z.coerce.number().int().nonnegative().default(0),
    MAX_CONNECTIONS: positiveInt.default(1000),
    MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().nonnegative().default(200),
    HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
    REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
    SSE_MAX_BACKLOG_BYTES: positiveInt.default(MIB),
    SSE_STALL_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
    SSE_LEGACY_ERROR_EVENT: booleanFromEnv.default(false),
    USER_EVENTS_KEPT: positiveInt.default(1000),
    STORAGE_MIN_FREE_BYTES: z.coerce.number().int().nonnegative().default(256 * MIB),
    DATA_DIR_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
    CODEX_RECYCLE_AFTER_THREADS: z.coerce.number().int().nonnegative().default(200),
    CODEX_RECYCLE_RSS_BYTES: z.coerce.number().int().nonnegative().default(1024 * MIB),
    SECURITY_METHOD: caseInsensitiveEnum(['none', 'keycloak', 'apikey']).default('none'),
    API_KEYS_FILE: optionalString,
    API_KEYS: optionalString,
    METRICS_TOKEN: optionalString,
    METRICS_HOST: optionalString,
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    KEYCLOAK_BASE_URL: optionalUrl,
    KEYCLOAK_REALM: optionalString,
    KEYCLOAK_CLIENT_ID: optionalString,
    KEYCLOAK_CLIENT_SECRET: optionalString,
    KEYCLOAK_INTROSPECTION_URL: optionalUrl,
    KEYCLOAK_TIMEOUT_SECONDS: z.coerce.number().positive().default(5),
    KEYCLOAK_CACHE_TTL_SECONDS: nonNegativeNumber.default(60),
    KEYCLOAK_CACHE_MAX_ENTRIES: positiveInt.default(10_000),
    KEYCLOAK_REQUIRED_ROLE: optionalString,
    KEYCLOAK_AUDIENCE: optionalString,
    KEYCLOAK_STARTUP_CHECK: z
      .string()
      .transform((value) => value.trim().toLowerCase())
      .pipe(z.enum(['warn', 'strict', 'off']))
      .default('warn'),
    KEYCLOAK_HEALTH_INTERVAL_SECONDS: nonNegativeNumber.default(60),
    WEBHOOK_URL: optionalUrl,
    WEBHOOK_SECRET: optionalString.pipe(
      z
        .string()
        .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be whsec_ and at least 24 bytes in base64 (e.g. `echo whsec_$(openssl rand -base64 32)`)')
        .optional(),
    ),
    WEBHOOK_EVENTS: list.pipe(z.array(z.enum(USER_EVENT_TYPES))),
    WEBHOOK_ALLOWED_HOSTS: list.pipe(
      z.array(z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+$/, 'each entry must be a host name or *.suffix')),
    ),
    WEBHOOK_ALLOWED_NETWORKS: list.pipe(z.array(z.string().refine(isCidr, 'each entry must be an address or CIDR, e.g. 10.0.0.0/8'))),
    WEBHOOK_ALLOW_HTTP: booleanFromEnv.default(false),
    WEBHOOK_MAX_PER_USER: z.coerce.number().int().min(0).max(1000).default(10),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().positive().default(5),
    WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
    REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
    CLUSTER_REPLICA_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)').optional()),
    CLUSTER_ADVERTISE_URL: optionalUrl,
    CLUSTER_LEASE_SECONDS: z.coerce.number().min(1).max(300).default(15),
    CLUSTER_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/, 'letters, digits, : . _ - (at most 64)').default('codex-bridge'),
    CONSOLE_ENABLED: booleanFromEnv.default(true),
    CONSOLE_OIDC_CLIENT_ID: optionalString,
    CONSOLE_OIDC_ISSUER: optionalUrl,
  });

/** Checked on the raw environment, so that these are reported together with any other bad value. */
function missingKeycloakSettings(environment: NodeJS.ProcessEnv): string[] {
  const isSet = (name: string): boolean => (environment[name] ?? '').trim() !== '';
  if ((environment.SECURITY_METHOD ?? '').trim().toLowerCase() !== 'keycloak') return [];
  const problems = ['KEYCLOAK_CLIENT_ID', 'KEYCLOAK_CLIENT_SECRET']
    .filter((name) => !isSet(name))
    .map((name) => `${name}: is required when SECURITY_METHOD=Keycloak`);
  if (!isSet('KEYCLOAK_INTROSPECTION_URL')) {
    for (const name of ['KEYCLOAK_BASE_URL', 'KEYCLOAK_REALM'].filter((candidate) => !isSet(candidate))) {
      problems.push(`${name}: is required when SECURITY_METHOD=Keycloak and KEYCLOAK_INTROSPECTION_URL is not set`);
    }
  }
  return problems;
}

function missingApiKeySettings(environment: NodeJS.ProcessEnv): string[] {
  if ((environment.SECURITY_METHOD ?? '').trim().toLowerCase() !== 'apikey') return [];
  const isSet = (name: string): boolean => (environment[name] ?? '').trim() !== '';
  return isSet('API_KEYS_FILE') || isSet('API_KEYS')
    ? []
    : ['API_KEYS_FILE: is required when SECURITY_METHOD=ApiKey (or API_KEYS); make a key with `npm run apikey -- --user <id>`'];
}

export type Env = z.infer<typeof envSchema>;

export interface KeycloakConfig {
  introspectionUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  cacheTtlSeconds: number;
  cacheMaxEntries: number;
  requiredRole: string | undefined;
  audience: string | undefined;
  /**
   * The `iss` tokens of the realm should carry (`{KEYCLOAK_BASE_URL}/realms/{KEYCLOAK_REALM}`, else
   * derived from KEYCLOAK_INTROSPECTION_URL); undefined for a non-standard introspection URL.
   */
  expectedIssuer: string | undefined;
  /** The variable expectedIssuer comes from, to name it in log messages. */
  issuerSetting: 'KEYCLOAK_BASE_URL' | 'KEYCLOAK_INTROSPECTION_URL';
  /** What start-up does when the identity provider check fails: log, refuse to start, or skip it. */
  startupCheck: Env['KEYCLOAK_STARTUP_CHECK'];
  /** Period of the background identity provider check; 0: none. */
  healthIntervalMs: number;
}

export type ApprovalPolicy = Env['CODEX_APPROVAL_POLICY'];
export type SandboxMode = Env['CODEX_SANDBOX'];

export interface IsolationConfig {
  /** `auto`: bubblewrap when it works here; without it, only a single-user bridge starts. */
  mode: 'auto' | 'bubblewrap' | 'none';
  bwrapPath: string | undefined;
  /** When the bridge runs as root each user's jail runs as its own uid from this range. */
  uidBase: number;
  uidCount: number;
  /** Extra host paths the operator makes visible (read-only) inside every jail. */
  readOnlyPaths: string[];
  maxProcesses: number;
  maxProcessMemoryMb: number;
  tmpSizeMb: number;
}

/** What a caller may ask for; beyond it a chat is refused with 403. */
export interface PolicyCeiling {
  approvalPolicies: ApprovalPolicy[];
  sandboxModes: SandboxMode[];
  /** Whether a caller may accept codex's request to run a command outside its sandbox. */
  allowEscalation: boolean;
  /**
   * What a caller may grant when codex asks for more permissions (CODEX_GRANTABLE_PERMISSIONS):
   * `file_system` paths inside the user's own workspace, `network` access for commands. Empty: nothing.
   */
  grantablePermissions: Array<'file_system' | 'network'>;
}

export interface ApiKeyConfig {
  /** `user_id:sha256-hex` lines (or a JSON object of user id to hash), re-read when it changes. */
  file: string | undefined;
  /** The same entries inline, comma- or newline-separated. */
  inline: string | undefined;
}

/** Where users' webhooks may go (SSRF). */
export interface WebhookTargetPolicy {
  /** Host names (`hooks.example.com`) or suffixes (`*.example.com`); empty: any host. */
  allowedHosts: string[];
  /** CIDRs reachable even though they are private, loopback or otherwise special (e.g. `10.1.2.0/24`). */
  allowedNetworks: string[];
  allowHttp: boolean;
}

export interface WebhookConfig extends WebhookTargetPolicy {
  /** WEBHOOK_URL / WEBHOOK_SECRET / WEBHOOK_EVENTS: the operator's endpoint, told every user's events. */
  operator: { url: string; secret: string; events: Array<(typeof USER_EVENT_TYPES)[number]> } | undefined;
  /** Subscriptions one user may have (0: users cannot subscribe). */
  maxPerUser: number;
  /** The first try and the retries. */
  maxAttempts: number;
  /** The wait before the first retry; each further one waits three times longer. */
  retryBaseMs: number;
  timeoutMs: number;
}

export interface MetricsConfig {
  /** Bearer token /metrics asks for, when set. */
  token: string | undefined;
  /** A listener of its own for /metrics, instead of the main port. */
  port: number | undefined;
  host: string;
  /** Served on the main port: no separate port, and either a token or no authentication at all. */
  onMainPort: boolean;
}

/** Several replicas (REDIS_URL set): user ownership by Redis leases, forwarding to the owner, shared turn records. */
export interface ClusterConfig {
  redisUrl: string;
  /** Unique and stable per replica (a StatefulSet pod name): it names the lease holder. */
  replicaId: string;
  /** Where the other replicas reach this one to forward a request of a user it owns. */
  advertiseUrl: string;
  leaseMs: number;
  keyPrefix: string;
}

export interface Config {
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  codexBinaryPath: string | undefined;
  /**
   * Single-user: the directory the agent works in (the original bridge's meaning). Multi-user: a
   * template copied into each user's own workspace on first use. Unset: an empty workspace per user.
   */
  codexWorkingDir: string | undefined;
  /** An explicit CODEX_HOME is used for the default user of a single-user bridge only. */
  codexHome: string | undefined;
  model: string | undefined;
  /** API_COMPAT: the answers' shapes for every request without an `X-Api-Compat` header. */
  apiCompat: 'default' | 'original';
  approvalPolicy: ApprovalPolicy;
  sandbox: SandboxMode;
  ceiling: PolicyCeiling;
  /** CODEX_USER_QUESTIONS: codex may ask the user questions (its request_user_input tool) outside plan mode. */
  userQuestions: boolean;
  /** Names of the bridge's variables that the agent's commands may see besides the fixed allowlist. */
  envPassthrough: string[];
  keepBackgroundCommands: boolean;
  /** Offer the model codex's `update_plan` tool (off in codex 0.171 by default): what `plan.updated` reports. */
  planTool: boolean;
  isolation: IsolationConfig;
  /** Running turns one user may have at once (streamed, JSON and background alike). */
  maxTurnsPerUser: number;
  /** More than one user can reach the bridge (an identity provider, or callers naming the user). */
  multiUser: boolean;
  /** Retries of the custom provider used with OPENAI_BASE_URL; codex's defaults when unset. */
  requestMaxRetries: number | undefined;
  streamMaxRetries: number | undefined;
  host: string;
  port: number;
  debug: boolean;
  logLevel: Env['LOG_LEVEL'];
  baseDataDir: string;
  maxSessions: number;
  idleTimeoutMs: number;
  cleanupIntervalMs: number;
  allowUserIdOverride: boolean;
  corsOrigins: '*' | string[];
  maxBodyBytes: number;
  turnTimeoutMs: number;
  /** An approval nobody answers is declined after this long, so no turn waits forever. */
  approvalTimeoutMs: number;
  /** Finished turns stay fetchable (status, events) this long, at most turnRetentionMax per user. */
  turnRetentionMs: number;
  turnRetentionMax: number;
  rpcTimeoutMs: number;
  sseKeepaliveMs: number;
  /** Open SSE streams one user may hold at once; more get 429. */
  maxStreamsPerUser: number;
  shutdownGraceMs: number;
  /** Bytes of events a turn keeps (and streams); past it deltas are dropped, the first one marked `truncated`. */
  turnEventsMaxBytes: number;
  /** The biggest image (decoded) a chat message may carry, inline or as a workspace file. */
  imageMaxBytes: number;
  /** Bytes of events one user's turns keep together, and all users' turns together; oldest finished go first. */
  userEventsMaxBytes: number;
  eventsMaxBytes: number;
  /** New work is refused (503) once the V8 heap is this full a share of its limit, or the RSS above this (0: off). */
  memoryShedHeapRatio: number;
  memoryShedRssBytes: number;
  /** Open sockets at once, overall and per client address (0: no per-address cap). */
  maxConnections: number;
  maxConnectionsPerClient: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** A stream whose unsent data stays above this for sseStallTimeoutMs is cut (the client resumes with Last-Event-ID). */
  sseMaxBacklogBytes: number;
  sseStallTimeoutMs: number;
  /** The failure event of turn streams goes out under its old name `error` instead of `turn.error`. */
  sseLegacyErrorEvent: boolean;
  /** Events of GET /events a user's stream keeps for Last-Event-ID resumes. */
  userEventsKept: number;
  /** /status reports `degraded` below this much free space in BASE_DATA_DIR. */
  storageMinFreeBytes: number;
  /** Creating a user's data directory gives up after this long (a hung or odd filesystem). */
  dataDirTimeoutMs: number;
  /** An idle app-server is restarted after serving this many threads, or above this RSS (0: never). */
  codexRecycleAfterThreads: number;
  codexRecycleRssBytes: number;
  securityMethod: 'none' | 'keycloak' | 'apikey';
  keycloak: KeycloakConfig | undefined;
  apiKeys: ApiKeyConfig | undefined;
  metrics: MetricsConfig;
  webhooks: WebhookConfig;
  /** Unset (no REDIS_URL): one process, in-memory stores, as always. */
  cluster: ClusterConfig | undefined;
  console: ConsoleConfig;
}

/** The web console at /console. */
export interface ConsoleConfig {
  enabled: boolean;
  /**
   * Where the browser logs in (SECURITY_METHOD=Keycloak): the realm's issuer as the browser reaches it
   * and the public client of the authorization-code + PKCE flow. Undefined in the other modes.
   */
  oidc: { issuer: string; clientId: string } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(environment: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(environment);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)),
    ...missingKeycloakSettings(environment),
    ...missingApiKeySettings(environment),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const crossField = crossFieldProblems(env);
  if (crossField.length > 0) throw new ConfigError(crossField);
  const corsOrigins = env.CORS_ORIGINS.trim() === '*' ? '*' : splitList(env.CORS_ORIGINS);
  return {
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseUrl: env.OPENAI_BASE_URL,
    codexBinaryPath: env.CODEX_BINARY_PATH,
    codexWorkingDir: env.CODEX_WORKING_DIR ? path.resolve(env.CODEX_WORKING_DIR) : undefined,
    codexHome: env.CODEX_HOME ? path.resolve(env.CODEX_HOME) : undefined,
    model: env.CODEX_MODEL,
    apiCompat: env.API_COMPAT,
    approvalPolicy: env.CODEX_APPROVAL_POLICY,
    sandbox: env.CODEX_SANDBOX,
    ceiling: {
      approvalPolicies: withDefault(env.CODEX_ALLOWED_APPROVAL_POLICIES, env.CODEX_APPROVAL_POLICY),
      sandboxModes: withDefault(env.CODEX_ALLOWED_SANDBOX_MODES, env.CODEX_SANDBOX),
      allowEscalation: env.CODEX_ALLOW_ESCALATION,
      grantablePermissions: env.CODEX_GRANTABLE_PERMISSIONS,
    },
    userQuestions: env.CODEX_USER_QUESTIONS,
    envPassthrough: env.CODEX_ENV_PASSTHROUGH,
    keepBackgroundCommands: env.CODEX_KEEP_BACKGROUND_COMMANDS,
    planTool: env.CODEX_PLAN_TOOL,
    isolation: {
      mode: env.ISOLATION,
      bwrapPath: env.BWRAP_PATH,
      uidBase: env.ISOLATION_UID_BASE,
      uidCount: env.ISOLATION_UID_COUNT,
      readOnlyPaths: env.ISOLATION_READ_ONLY_PATHS.map((entry) => path.resolve(entry)),
      maxProcesses: env.TENANT_MAX_PROCESSES,
      maxProcessMemoryMb: env.TENANT_MAX_PROCESS_MEMORY_MB,
      tmpSizeMb: env.TENANT_TMP_SIZE_MB,
    },
    maxTurnsPerUser: env.MAX_TURNS_PER_USER,
    multiUser: isMultiUser(env),
    requestMaxRetries: env.CODEX_REQUEST_MAX_RETRIES,
    streamMaxRetries: env.CODEX_STREAM_MAX_RETRIES,
    host: env.HOST ?? (env.SECURITY_METHOD === 'none' ? '127.0.0.1' : '0.0.0.0'),
    port: env.PORT,
    debug: env.DEBUG,
    logLevel: env.LOG_LEVEL,
    baseDataDir: path.resolve(env.BASE_DATA_DIR),
    maxSessions: env.MAX_SESSIONS,
    idleTimeoutMs: env.IDLE_TIMEOUT_SECONDS * 1000,
    cleanupIntervalMs: env.CLEANUP_INTERVAL_SECONDS * 1000,
    allowUserIdOverride: env.ALLOW_USER_ID_OVERRIDE,
    corsOrigins,
    maxBodyBytes: env.MAX_BODY_BYTES,
    turnTimeoutMs: env.TURN_TIMEOUT_SECONDS * 1000,
    approvalTimeoutMs: env.APPROVAL_TIMEOUT_SECONDS * 1000,
    turnRetentionMs: env.TURN_RETENTION_SECONDS * 1000,
    turnRetentionMax: env.TURN_RETENTION_MAX,
    rpcTimeoutMs: env.RPC_TIMEOUT_SECONDS * 1000,
    sseKeepaliveMs: env.SSE_KEEPALIVE_SECONDS * 1000,
    maxStreamsPerUser: env.MAX_STREAMS_PER_USER,
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
    turnEventsMaxBytes: env.TURN_EVENTS_MAX_BYTES,
    imageMaxBytes: env.IMAGE_MAX_BYTES,
    userEventsMaxBytes: env.USER_EVENTS_MAX_BYTES,
    eventsMaxBytes: env.EVENTS_MAX_BYTES,
    memoryShedHeapRatio: env.MEMORY_SHED_HEAP_RATIO,
    memoryShedRssBytes: env.MEMORY_SHED_RSS_BYTES,
    maxConnections: env.MAX_CONNECTIONS,
    maxConnectionsPerClient: env.MAX_CONNECTIONS_PER_CLIENT,
    headersTimeoutMs: env.HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
    sseMaxBacklogBytes: env.SSE_MAX_BACKLOG_BYTES,
    sseStallTimeoutMs: env.SSE_STALL_TIMEOUT_SECONDS * 1000,
    sseLegacyErrorEvent: env.SSE_LEGACY_ERROR_EVENT,
    userEventsKept: env.USER_EVENTS_KEPT,
    storageMinFreeBytes: env.STORAGE_MIN_FREE_BYTES,
    dataDirTimeoutMs: env.DATA_DIR_TIMEOUT_SECONDS * 1000,
    codexRecycleAfterThreads: env.CODEX_RECYCLE_AFTER_THREADS,
    codexRecycleRssBytes: env.CODEX_RECYCLE_RSS_BYTES,
    securityMethod: env.SECURITY_METHOD,
    keycloak: env.SECURITY_METHOD === 'keycloak' ? keycloakConfig(env) : undefined,
    apiKeys:
      env.SECURITY_METHOD === 'apikey'
        ? { file: env.API_KEYS_FILE ? path.resolve(env.API_KEYS_FILE) : undefined, inline: env.API_KEYS }
        : undefined,
    metrics: {
      token: env.METRICS_TOKEN,
      port: env.METRICS_PORT,
      host: env.METRICS_HOST ?? '127.0.0.1',
      onMainPort: env.METRICS_PORT === undefined && (env.SECURITY_METHOD === 'none' || env.METRICS_TOKEN !== undefined),
    },
    console: consoleConfig(env),
    webhooks: webhookConfig(env),
    cluster: clusterConfig(env),
  };
}

/** The shipped realm's public client (deploy/keycloak/codex-bridge-realm.json). */
const CONSOLE_DEFAULT_CLIENT_ID = 'codex-cli';

function consoleConfig(env: Env): ConsoleConfig {
  if (env.SECURITY_METHOD !== 'keycloak') return { enabled: env.CONSOLE_ENABLED, oidc: undefined };
  // KEYCLOAK_BASE_URL may be an address only the bridge reaches; CONSOLE_OIDC_ISSUER is the browser's.
  const issuer = env.CONSOLE_OIDC_ISSUER ?? keycloakConfig(env).expectedIssuer;
  return {
    enabled: env.CONSOLE_ENABLED,
    oidc: issuer ? { issuer: issuer.replace(/\/+$/, ''), clientId: env.CONSOLE_OIDC_CLIENT_ID ?? CONSOLE_DEFAULT_CLIENT_ID } : undefined,
  };
}

function webhookConfig(env: Env): WebhookConfig {
  return {
    operator:
      env.WEBHOOK_URL && env.WEBHOOK_SECRET
        ? {
            url: env.WEBHOOK_URL,
            secret: env.WEBHOOK_SECRET,
            events: env.WEBHOOK_EVENTS.length > 0 ? env.WEBHOOK_EVENTS : [...DEFAULT_WEBHOOK_EVENTS],
          }
        : undefined,
    allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
    allowedNetworks: env.WEBHOOK_ALLOWED_NETWORKS,
    allowHttp: env.WEBHOOK_ALLOW_HTTP,
    maxPerUser: env.WEBHOOK_MAX_PER_USER,
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_SECONDS * 1000,
    timeoutMs: env.WEBHOOK_TIMEOUT_SECONDS * 1000,
  };
}

function clusterConfig(env: Env): ClusterConfig | undefined {
  if (env.REDIS_URL === undefined) return undefined;
  const replicaId = env.CLUSTER_REPLICA_ID ?? os.hostname();
  return {
    redisUrl: env.REDIS_URL,
    replicaId,
    advertiseUrl: (env.CLUSTER_ADVERTISE_URL ?? `http://${replicaId}:${env.PORT}`).replace(/\/+$/, ''),
    leaseMs: env.CLUSTER_LEASE_SECONDS * 1000,
    keyPrefix: env.CLUSTER_KEY_PREFIX,
  };
}

const INTROSPECTION_PATH = '/protocol/openid-connect/token/introspect';

function keycloakConfig(env: Env): KeycloakConfig {
  const realmUrl =
    env.KEYCLOAK_BASE_URL && env.KEYCLOAK_REALM
      ? `${env.KEYCLOAK_BASE_URL.replace(/\/+$/, '')}/realms/${encodeURIComponent(env.KEYCLOAK_REALM)}`
      : undefined;
  const introspectionUrl = env.KEYCLOAK_INTROSPECTION_URL ?? `${realmUrl ?? ''}${INTROSPECTION_PATH}`;
  const expectedIssuer =
    realmUrl ??
    (introspectionUrl.endsWith(INTROSPECTION_PATH) ? introspectionUrl.slice(0, -INTROSPECTION_PATH.length) : undefined);
  return {
    introspectionUrl,
    clientId: env.KEYCLOAK_CLIENT_ID ?? '',
    clientSecret: env.KEYCLOAK_CLIENT_SECRET ?? '',
    timeoutMs: env.KEYCLOAK_TIMEOUT_SECONDS * 1000,
    cacheTtlSeconds: env.KEYCLOAK_CACHE_TTL_SECONDS,
    cacheMaxEntries: env.KEYCLOAK_CACHE_MAX_ENTRIES,
    requiredRole: env.KEYCLOAK_REQUIRED_ROLE,
    audience: env.KEYCLOAK_AUDIENCE,
    expectedIssuer,
    issuerSetting: realmUrl ? 'KEYCLOAK_BASE_URL' : 'KEYCLOAK_INTROSPECTION_URL',
    startupCheck: env.KEYCLOAK_STARTUP_CHECK,
    healthIntervalMs: env.KEYCLOAK_HEALTH_INTERVAL_SECONDS * 1000,
  };
}

function isMultiUser(env: Env): boolean {
  return env.SECURITY_METHOD !== 'none' || env.ALLOW_USER_ID_OVERRIDE;
}

/** The operator's own default is always allowed; the list only widens what callers may ask for. */
function withDefault<T>(allowed: T[], operatorDefault: T): T[] {
  return allowed.includes(operatorDefault) ? allowed : [operatorDefault, ...allowed];
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** The bridge's own files: a workspace that holds them would put its code and .env inside a jail. */
const BRIDGE_ROOT = path.resolve(__dirname, '..', '..');

function contains(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Rules between variables, checked once the values themselves are valid. */
function crossFieldProblems(env: Env): string[] {
  const problems: string[] = [];
  const sandboxModes = withDefault(env.CODEX_ALLOWED_SANDBOX_MODES, env.CODEX_SANDBOX);
  if (env.CODEX_GRANTABLE_PERMISSIONS.includes('file_system') && !sandboxModes.some((mode) => mode !== 'read-only'))
    problems.push(
      'CODEX_GRANTABLE_PERMISSIONS: file_system lets a caller grant writes, but CODEX_ALLOWED_SANDBOX_MODES allows read-only only',
    );
  if ((env.WEBHOOK_URL === undefined) !== (env.WEBHOOK_SECRET === undefined))
    problems.push(
      env.WEBHOOK_URL === undefined
        ? 'WEBHOOK_SECRET: only used with WEBHOOK_URL (the operator\'s webhook endpoint); set WEBHOOK_URL too'
        : 'WEBHOOK_SECRET: is required with WEBHOOK_URL, to sign its deliveries (e.g. `echo whsec_$(openssl rand -base64 32)`)',
    );
  if (env.REDIS_URL === undefined && (env.CLUSTER_REPLICA_ID ?? env.CLUSTER_ADVERTISE_URL) !== undefined)
    problems.push('REDIS_URL: CLUSTER_REPLICA_ID and CLUSTER_ADVERTISE_URL only apply to several replicas; set REDIS_URL too');
  if (env.REDIS_URL !== undefined && env.PORT === 0 && env.CLUSTER_ADVERTISE_URL === undefined)
    problems.push('CLUSTER_ADVERTISE_URL: with PORT=0 the other replicas cannot know where to reach this one; set it');
  if (env.METRICS_HOST !== undefined && env.METRICS_PORT === undefined)
    problems.push('METRICS_HOST: only used with METRICS_PORT (the separate /metrics listener); set METRICS_PORT too');
  if (env.METRICS_HOST !== undefined && net.isIP(env.METRICS_HOST) === 0 && !/^[A-Za-z0-9.-]+$/.test(env.METRICS_HOST))
    problems.push(`METRICS_HOST: '${env.METRICS_HOST}' is neither an IP address nor a host name`);
  if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN.length < 16)
    problems.push('METRICS_TOKEN: use at least 16 characters (e.g. openssl rand -hex 32)');
  if (env.HOST !== undefined && net.isIP(env.HOST) === 0 && !/^[A-Za-z0-9.-]+$/.test(env.HOST))
    problems.push(`HOST: '${env.HOST}' is neither an IP address nor a host name`);
  else if (env.HOST !== undefined && !net.isIPv4(env.HOST) && /^\d+(\.\d+){3}$/.test(env.HOST))
    problems.push(`HOST: '${env.HOST}' is not a valid IPv4 address`);
  if (
    env.SECURITY_METHOD === 'none' &&
    env.HOST !== undefined &&
    !isLoopback(env.HOST) &&
    !env.ALLOW_UNAUTHENTICATED_REMOTE
  ) {
    problems.push(
      `HOST: '${env.HOST}' would let anyone on the network run commands without authentication (SECURITY_METHOD=None); ` +
        'bind to 127.0.0.1, set SECURITY_METHOD=Keycloak or ApiKey, or set ALLOW_UNAUTHENTICATED_REMOTE=true if you really mean it',
    );
  }
  const origins = env.CORS_ORIGINS.trim();
  if (origins !== '' && origins !== '*') {
    for (const origin of splitList(origins)) {
      if (!isOrigin(origin))
        problems.push(`CORS_ORIGINS: '${origin}' is not an origin (scheme://host[:port], e.g. https://app.example.com) or '*'`);
    }
  }
  if (env.CODEX_HOME && isMultiUser(env)) {
    problems.push(
      'CODEX_HOME: only a single-user bridge (SECURITY_METHOD=None without ALLOW_USER_ID_OVERRIDE) uses it; ' +
        'with several users each gets BASE_DATA_DIR/users/<user>/codex, so unset it',
    );
  }
  if (env.CODEX_WORKING_DIR) {
    const workingDir = path.resolve(env.CODEX_WORKING_DIR);
    const dataDir = path.resolve(env.BASE_DATA_DIR);
    if (contains(workingDir, BRIDGE_ROOT))
      problems.push(
        `CODEX_WORKING_DIR: '${workingDir}' holds the bridge's own code and configuration (${BRIDGE_ROOT}); give the agent a directory of its own`,
      );
    else if (contains(workingDir, dataDir) || contains(dataDir, workingDir))
      problems.push(`CODEX_WORKING_DIR: '${workingDir}' overlaps BASE_DATA_DIR (${dataDir}), where every user's data lives`);
  }
  return problems;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
