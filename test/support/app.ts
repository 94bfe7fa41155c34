import type { Express } from 'express';
import { createAuthenticator } from '../../src/auth';
import { parseConfig } from '../../src/config/env';
import { createApp } from '../../src/http/app';
import { loadSpec } from '../../src/http/spec';
import { silentLogger } from '../../src/logger';
import { SessionProviderDouble } from './sessionDouble';

export interface AppUnderTest {
  app: Express;
  sessions: SessionProviderDouble;
}

/** The HTTP app with response validation on, over in-memory sessions. */
export function appWithDoubles(env: Record<string, string> = {}, codexAvailable = true): AppUnderTest {
  const config = parseConfig({ OPENAI_API_KEY: 'sk-test', MAX_BODY_BYTES: '4096', ...env });
  const sessions = new SessionProviderDouble();
  const app = createApp({
    services: {
      config,
      codex: codexAvailable
        ? { command: { file: '/bin/codex', prefixArgs: [], source: 'PATH' }, version: 'codex-cli 0.0.0-test' }
        : { command: undefined, version: undefined },
      sessions,
      load: {
        memory: () => ({ rss_bytes: 1, heap_used_bytes: 1, heap_limit_bytes: 2, shedding: false }),
        assertCanTakeWork: () => undefined,
        connections: () => ({ open: 1, max: config.maxConnections, max_per_client: config.maxConnectionsPerClient }),
      },
      spec: loadSpec(),
      version: '0.0.0-test',
    },
    authenticator: createAuthenticator(config, silentLogger),
    logger: silentLogger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    validateResponses: true,
  });
  return { app, sessions };
}
