import type { Express } from 'express';
import { createAuthenticator } from '../../src/auth';
import { parseConfig } from '../../src/config/env';
import { createApp, type AppOptions } from '../../src/http/app';
import type { Services } from '../../src/http/handlers/services';
import { loadSpec } from '../../src/http/spec';
import { silentLogger } from '../../src/logger';
import { SessionProviderDouble } from './sessionDouble';

export interface AppUnderTest {
  app: Express;
  sessions: SessionProviderDouble;
}

/** The HTTP app with response validation on, over in-memory sessions. */
export function appWithDoubles(
  env: Record<string, string> = {},
  codexAvailable = true,
  overrides: Partial<Services> = {},
  appOverrides: Partial<Pick<AppOptions, 'metrics' | 'authenticator'>> = {},
): AppUnderTest {
  const config = parseConfig({ OPENAI_API_KEY: 'sk-test', MAX_BODY_BYTES: '4096', ...env });
  const sessions = new SessionProviderDouble();
  const app = createApp({
    services: {
      config,
      codex: codexAvailable
        ? { command: { file: '/bin/codex', prefixArgs: [], source: 'PATH' }, version: 'codex-cli 0.0.0-test' }
        : { command: undefined, version: undefined },
      isolation: { status: { mechanism: 'bubblewrap', tenant_uids: false, reason: null } },
      sessions,
      spec: loadSpec(),
      version: '0.0.0-test',
      ...overrides,
    },
    authenticator: createAuthenticator(config, silentLogger),
    ...appOverrides,
    logger: silentLogger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    validateResponses: true,
  });
  return { app, sessions };
}
