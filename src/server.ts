import http from 'node:http';
import { createAuthenticator } from './auth';
import { probeCodex, type CodexBinaryInfo } from './codex/binary';
import { SessionManager } from './codex/sessionManager';
import type { Config } from './config/env';
import { createApp } from './http/app';
import { loadSpec } from './http/spec';
import type { Logger } from './logger';
import packageJson from '../package.json';

export interface RunningBridge {
  server: http.Server;
  sessions: SessionManager;
  codex: CodexBinaryInfo;
  url: string;
  /** Stops accepting, lets running turns finish within SHUTDOWN_GRACE_SECONDS, ends every codex process. */
  close(): Promise<void>;
}

export interface StartOptions {
  validateResponses?: boolean;
}

/** Wires config, codex, sessions, auth and HTTP together and listens. Used by main and by end-to-end tests. */
export async function startBridge(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBridge> {
  const codex = await probeCodex(config.codexBinaryPath);
  if (codex.command) {
    logger.info({ binary: codex.command.file, source: codex.command.source, version: codex.version }, 'codex found');
  } else {
    logger.error({ problem: codex.problem }, 'CODEX NOT AVAILABLE: chat and thread routes will answer 503 until it is installed');
  }
  if (!config.openaiApiKey) logger.warn('OPENAI_API_KEY is not set: codex cannot reach the model until it is');

  const sessions = new SessionManager(config, codex, logger);
  sessions.startCleanup();
  const app = createApp({
    services: { config, codex, sessions, spec: loadSpec(), version: packageJson.version },
    authenticator: createAuthenticator(config, logger),
    logger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    validateResponses: options.validateResponses ?? false,
  });

  const server = http.createServer(app);
  // Slow or stalled clients must not hold sockets forever; SSE streams are exempt from the request timeout.
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url, securityMethod: config.securityMethod, maxSessions: config.maxSessions }, 'Codex API Bridge listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await sessions.shutdown(config.shutdownGraceMs);
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { server, sessions, codex, url, close };
}
