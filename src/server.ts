import http from 'node:http';
import type { Duplex } from 'node:stream';
import { createAuthenticator } from './auth';
import { probeCodex, type CodexBinaryInfo } from './codex/binary';
import { SessionManager } from './codex/sessionManager';
import type { Config } from './config/env';
import { createApp } from './http/app';
import { ConnectionLimiter } from './http/connectionLimiter';
import { problemType } from './http/errors';
import { LoadGuard } from './http/loadGuard';
import { loadSpec } from './http/spec';
import { Isolation } from './isolation';
import type { Logger } from './logger';
import { ModelRelay } from './relay/modelRelay';
import packageJson from '../package.json';

export interface RunningBridge {
  server: http.Server;
  sessions: SessionManager;
  codex: CodexBinaryInfo;
  isolation: Isolation;
  relay: ModelRelay | undefined;
  url: string;
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
  const authenticator = createAuthenticator(config, logger);
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
  const sessions = new SessionManager(config, codex, isolation, relay, logger);
  usageSink.sessions = sessions;
  sessions.startCleanup();
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
    validateResponses: options.validateResponses ?? false,
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
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await relay?.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info(
    { url, securityMethod: config.securityMethod, maxSessions: config.maxSessions },
    'Codex API Bridge listening',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      authenticator.identityProvider?.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await sessions.shutdown(config.shutdownGraceMs);
      await relay?.close();
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { server, sessions, codex, isolation, relay, url, close };
}
