import { spawn } from 'node:child_process';
import path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError, parseConfig, type Config } from './config/env';
import { createLogger } from './logger';
import { ApiKeyConfigError, IdentityProviderStartupError } from './auth';
import { IsolationUnavailableError } from './isolation';
import { ClusterUnavailableError } from './cluster';
import { ListenError, startBridge } from './server';

dotenv.config({ quiet: true });

function loadConfigOrExit(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** DEBUG=true: run the bridge in a child that Node restarts whenever src/ or openapi.yaml changes. */
function runWithReload(): void {
  // src/main.ts under tsx, dist/src/main.js when compiled: either way the package root holds src/.
  const parent = path.resolve(__dirname, '..');
  const root = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      '--watch-path',
      path.join(root, 'src'),
      '--watch-path',
      path.join(root, 'openapi.yaml'),
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, BRIDGE_RELOAD_CHILD: '1' } },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.debug && !process.env.BRIDGE_RELOAD_CHILD) {
    runWithReload();
    return;
  }
  const logger = createLogger(config.logLevel, config.debug);
  const bridge = await startBridge(config, logger);
  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(1);
    logger.info({ signal }, 'shutting down');
    bridge
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Start-up failures the operator fixes in the configuration: one line naming the variable, no stack trace. */
const CONFIGURATION_ERRORS = [ListenError, ApiKeyConfigError, IsolationUnavailableError, IdentityProviderStartupError, ClusterUnavailableError];

main().catch((error: unknown) => {
  if (CONFIGURATION_ERRORS.some((kind) => error instanceof kind)) console.error(`Cannot start: ${(error as Error).message}`);
  else console.error(error);
  process.exit(1);
});
