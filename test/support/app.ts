import type { Express } from 'express';
import { createAuthenticator } from '../../src/auth';
import { parseConfig, type Config } from '../../src/config/env';
import { createApp, type AppOptions } from '../../src/http/app';
import type { Services } from '../../src/http/handlers/services';
import { loadSpec } from '../../src/http/spec';
import { silentLogger } from '../../src/logger';
import { SessionProviderDouble } from './sessionDouble';

export interface AppUnderTest {
  app: Express;
  sessions: SessionProviderDouble;
}

const TEST_CODEX: Services['codex'] = {
  command: { file: '/bin/codex', prefixArgs: [], source: 'PATH' },
  version: 'codex-cli 0.0.0-test',
};

/** The HTTP app with response validation on, over the given services (doubles for everything not given). */
export function appOver(
  config: Config,
  services: Partial<Services> & Pick<Services, 'sessions'>,
  appOverrides: Partial<Pick<AppOptions, 'metrics' | 'authenticator' | 'console'>> = {},
): Express {
  return createApp({
    services: {
      config,
      codex: TEST_CODEX,
      isolation: { status: { mechanism: 'bubblewrap', tenant_uids: false, reason: null } },
      load: {
        memory: () => ({ rss_bytes: 1, heap_used_bytes: 1, heap_limit_bytes: 2, shedding: false }),
        assertCanTakeWork: () => undefined,
        connections: () => ({ open: 1, max: config.maxConnections, max_per_client: config.maxConnectionsPerClient }),
      },
      spec: loadSpec(),
      version: '0.0.0-test',
      ...services,
    },
    authenticator: createAuthenticator(config, silentLogger),
    ...appOverrides,
    logger: silentLogger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    validateResponses: true,
  });
}

/** The HTTP app with response validation on, over in-memory sessions. */
export function appWithDoubles(
  env: Record<string, string> = {},
  codexAvailable = true,
  overrides: Partial<Services> = {},
  appOverrides: Partial<Pick<AppOptions, 'metrics' | 'authenticator' | 'console'>> = {},
): AppUnderTest {
  const config = parseConfig({ OPENAI_API_KEY: 'sk-test', MAX_BODY_BYTES: '4096', ...env });
  const sessions = new SessionProviderDouble();
  const codex = codexAvailable ? TEST_CODEX : { command: undefined, version: undefined };
  return { app: appOver(config, { sessions, codex, ...overrides }, appOverrides), sessions };
}
