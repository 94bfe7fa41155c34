import dns from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { createAuthenticator } from './auth';
import { Cluster } from './cluster';
import { probeCodex, type CodexBinaryInfo } from './codex/binary';
import { SessionManager } from './codex/sessionManager';
import type { Config } from './config/env';
import { createApp } from './http/app';
import { ConnectionLimiter } from './http/connectionLimiter';
import { createMetricsApp } from './http/metricsRoute';
import { problemType } from './http/errors';
import { LoadGuard } from './http/loadGuard';
import { loadSpec } from './http/spec';
import { Isolation } from './isolation';
import type { Logger } from './logger';
import { BridgeMetrics } from './metrics/bridgeMetrics';
import { ModelRelay } from './relay/modelRelay';
import { WebhookService } from './webhooks/webhookService';
import packageJson from '../package.json';

export interface RunningBridge {
  server: http.Server;
  sessions: SessionManager;
  webhooks: WebhookService;
  codex: CodexBinaryInfo;
  isolation: Isolation;
  relay: ModelRelay | undefined;
  metrics: BridgeMetrics;
  /** With REDIS_URL: this replica's leases, shared records and forwarding. */
  cluster: Cluster | undefined;
  url: string;
  /** The separate /metrics listener (METRICS_PORT), when there is one. */
  metricsUrl: string | undefined;
  /** Stops accepting, lets running turns finish within SHUTDOWN_GRACE_SECONDS, ends every codex process. */
  close(): Promise<void>;
}

export interface StartOptions {
  validateResponses?: boolean;
}

/** A client that never reads its answer must not keep the socket half-open: it is destroyed after this. */
const CLIENT_ERROR_LINGER_MS = 1000;

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers too large, malformed, too
 * slow) still get a problem+json answer instead of a bare status line; then the socket is destroyed,
 * not only half-closed (`end()` alone leaves it open for as long as the client likes).
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (error.code === 'ECONNRESET' && socket.destroyed)) {
    socket.destroy();
    return;
  }
  const [status, title] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request header fields too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timeout']
        : [400, 'Bad request'];
  const body = JSON.stringify({
    type: problemType(status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'malformed-request'),
    title,
    status,
    detail: status === 400 ? 'the request is not valid HTTP' : title.toLowerCase(),
  });
  const linger = setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS);
  linger.unref();
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => {
      clearTimeout(linger);
      socket.destroy();
    },
  );
}

/** Wires config, codex, sessions, auth and HTTP together and listens. Used by main and by end-to-end tests. */
export async function startBridge(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBridge> {
  await resolvable(config.host, 'HOST');
  if (config.metrics.port !== undefined) await resolvable(config.metrics.host, 'METRICS_HOST');
  const codex = await probeCodex(config.codexBinaryPath);
  if (codex.command) {
    logger.info({ binary: codex.command.file, source: codex.command.source, version: codex.version }, 'codex found');
  } else {
    logger.error(
      { problem: codex.problem },
      'CODEX NOT AVAILABLE: chat and thread routes will answer 503 until it is installed',
    );
  }
  if (!config.openaiApiKey) logger.warn('OPENAI_API_KEY is not set: codex cannot reach the model until it is');
  const metrics = new BridgeMetrics();
  const authenticator = createAuthenticator(config, logger, { observer: metrics });
  // Before anything that needs stopping: in strict mode a failed check ends start-up here.
  await authenticator.identityProvider?.start(config.keycloak?.startupCheck ?? 'off');
  const isolation = await Isolation.create(config, codex.command, logger);

  // The relay reports usage to the session manager, which needs the relay to start sessions.
  const usageSink: { sessions?: SessionManager } = {};
  const relay = config.openaiApiKey
    ? await ModelRelay.start({
        upstream: config.openaiBaseUrl ?? 'https://api.openai.com/v1',
        apiKey: config.openaiApiKey,
        logger: logger.child({ component: 'model-relay' }),
        onUsage: (userKey, usage) => usageSink.sessions?.recordMetered(userKey, usage),
      })
    : undefined;
  let cluster: Cluster | undefined;
  try {
    cluster = config.cluster
      ? await Cluster.start(config.cluster, { retentionMs: config.turnRetentionMs, turnTimeoutMs: config.turnTimeoutMs }, logger)
      : undefined;
  } catch (error) {
    authenticator.identityProvider?.stop();
    await relay?.close();
    throw error;
  }
  const sessions = new SessionManager(config, codex, isolation, relay, logger, metrics, cluster?.placement());
  if (cluster) {
    const joined = cluster;
    joined.leases.inUse = (user) => sessions.holdsUser(user);
    joined.registerMetrics(metrics.registry);
  }
  metrics.watch(sessions);
  usageSink.sessions = sessions;
  sessions.startCleanup();
  const webhooks = new WebhookService(
    config.webhooks,
    config.baseDataDir,
    logger.child({ component: 'webhooks' }),
    `codex-api-bridge/${packageJson.version}`,
  );
  sessions.onUserEvent((user, event) => webhooks.handle(user, event));
  const connections = new ConnectionLimiter(config.maxConnections, config.maxConnectionsPerClient);
  const guard = new LoadGuard(config, () => sessions.eventLedger.shrinkTo(0));
  const app = createApp({
    services: {
      config,
      codex,
      isolation,
      sessions,
      spec: loadSpec(),
      version: packageJson.version,
      identityProvider: authenticator.identityProvider,
      webhooks,
      cluster,
      load: {
        memory: () => guard.memory(),
        assertCanTakeWork: () => guard.assertCanTakeWork(),
        connections: () => connections.report(),
      },
    },
    authenticator,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    console: config.console,
    validateResponses: options.validateResponses ?? false,
    cluster,
    metrics: { registry: metrics, token: config.metrics.token, onMainPort: config.metrics.onMainPort },
  });

  // Node checks the timeouts below only this often (30 s by default), which would let a slow client stay twice as long.
  const checkEveryMs = Math.max(250, Math.min(5000, Math.floor(config.headersTimeoutMs / 4)));
  const server = http.createServer({ connectionsCheckingInterval: checkEveryMs }, connections.handler(app));
  connections.attach(server);
  server.on('clientError', answerClientError);
  // Slow or stalled clients must not hold sockets forever; SSE streams are exempt (it bounds receiving the request).
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  // Longer than the usual client and proxy idle timeouts (60 s), so a client never reuses a socket the
  // server is closing at that moment (ECONNRESET under load, seen in the benchmark).
  server.keepAliveTimeout = 65_000;
  const metricsServer =
    config.metrics.port !== undefined ? http.createServer(createMetricsApp(metrics, config.metrics.token, logger)) : undefined;
  let url: string;
  let metricsUrl: string | undefined;
  try {
    url = await listen(server, config.port, config.host, 'PORT', 'HOST');
    if (metricsServer) metricsUrl = await listen(metricsServer, config.metrics.port ?? 0, config.metrics.host, 'METRICS_PORT', 'METRICS_HOST');
  } catch (error) {
    server.close();
    authenticator.identityProvider?.stop();
    await relay?.close();
    await cluster?.close();
    throw error;
  }
  logger.info(
    { url, securityMethod: config.securityMethod, maxSessions: config.maxSessions, metrics: metricsUrl ? `${metricsUrl}/metrics` : config.metrics.onMainPort ? `${url}/metrics` : 'off' },
    'Codex API Bridge listening',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      authenticator.identityProvider?.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      // Readiness goes unready at once (sessions stop accepting), the other replicas learn of the drain.
      await Promise.all([sessions.shutdown(config.shutdownGraceMs), cluster?.drain()]);
      webhooks.close();
      // Every session is stopped: the remaining leases are handed over.
      await cluster?.close();
      await relay?.close();
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { server, sessions, webhooks, codex, isolation, relay, metrics, cluster, url, metricsUrl, close };
}

/** A listen failure the operator can fix by changing one variable, told in one line naming it. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/** A HOST that is a name must resolve now, not fail later as a raw getaddrinfo error. */
async function resolvable(host: string, variable: string): Promise<void> {
  if (net.isIP(host) !== 0) return;
  try {
    await dns.lookup(host);
  } catch (error) {
    throw new ListenError(`${variable}: the host name '${host}' does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)}); use an IP address or a name this machine can resolve`);
  }
}

function listen(server: http.Server, port: number, host: string, portVariable: string, hostVariable: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ListenError(`${portVariable}: port ${port} on ${host} is already in use (another bridge or service?); choose another ${portVariable} or stop that process`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ListenError(`${hostVariable}: ${host} is not an address of this machine; use one of its addresses, 127.0.0.1 or 0.0.0.0`));
      else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') reject(new ListenError(`${hostVariable}: the host name ${host} does not resolve (${error.code})`));
      else if (error.code === 'EACCES') reject(new ListenError(`${portVariable}: not allowed to listen on port ${port} (ports below 1024 need privileges)`));
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : net.isIPv6(host) ? `[${host}]` : host;
      resolve(`http://${shown}:${bound}`);
    });
  });
}
