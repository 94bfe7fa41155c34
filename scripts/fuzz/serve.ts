/**
 * The real bridge (real codex app-server, response validation on, ALLOW_USER_ID_OVERRIDE=true) against the
 * scripted fake model, for scripts/fuzz.sh. Prints `BRIDGE_URL=<url>` on stdout once it listens; logs go to
 * stderr (LOG_LEVEL, default warn: every 5xx and every off-spec answer is logged there).
 *
 * Stops cleanly, ending every codex process and removing its temporary folders, on SIGTERM or SIGINT, and
 * also by itself when its parent goes away (a fuzz run killed with -9 leaves nothing behind).
 *
 *   node --import tsx scripts/fuzz/serve.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/env';
import { createLogger } from '../../src/logger';
import { startBridge, type RunningBridge } from '../../src/server';
import { FAKE_MODEL_NAME, startFakeModel, type FakeModel } from '../../test/support/fakeModel';

async function main(): Promise<void> {
  const fake: FakeModel = await startFakeModel();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-fuzz-data-'));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-fuzz-work-'));
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: process.env.FUZZ_PORT ?? '0',
    OPENAI_API_KEY: 'sk-fuzz-key',
    OPENAI_BASE_URL: fake.url,
    CODEX_MODEL: FAKE_MODEL_NAME,
    CODEX_REQUEST_MAX_RETRIES: '0',
    CODEX_STREAM_MAX_RETRIES: '0',
    BASE_DATA_DIR: dataDir,
    CODEX_WORKING_DIR: workDir,
    ALLOW_USER_ID_OVERRIDE: 'true',
    // Generated user ids are many: few processes at once keeps a 2-core machine usable; idle ones make way.
    MAX_SESSIONS: process.env.FUZZ_MAX_SESSIONS ?? '6',
    SHUTDOWN_GRACE_SECONDS: '2',
    TURN_TIMEOUT_SECONDS: '60',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const logger = createLogger(config.logLevel);
  let bridge: RunningBridge | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (why: string, code: number): Promise<void> => {
    stopping ??= (async () => {
      logger.warn({ why }, 'fuzz bridge stopping');
      try {
        await bridge?.close();
        await fake.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(workDir, { recursive: true, force: true });
      }
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(signal, 0));

  // A parent killed with -9 cannot run its trap: notice the re-parenting and stop anyway.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent gone', 1);
  }, 500).unref();

  try {
    bridge = await startBridge(config, logger, { validateResponses: true });
  } catch (error) {
    logger.error({ err: error }, 'the bridge did not start');
    await stop('start failed', 1);
    return;
  }
  if (!bridge.codex.command) {
    logger.error({ problem: bridge.codex.problem }, 'codex is not available');
    await stop('no codex', 1);
    return;
  }
  process.stdout.write(`BRIDGE_URL=${bridge.url}\n`);
  // Keeps the process alive until a signal; the bridge's own timers are unref'd.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
