/**
 * The real bridge (real codex app-server, response validation on, ALLOW_USER_ID_OVERRIDE=true) against the
 * scripted fake model (its default reply), for scripts/fuzz.sh. Prints `BRIDGE_URL=<url>` on stdout once it
 * listens; logs go to stderr (LOG_LEVEL, default warn: every 5xx and every off-spec answer is logged there).
 *
 * Stops cleanly, ending every codex process and removing its temporary folders, on SIGTERM, SIGINT or
 * SIGHUP, and also by itself when its parent goes away (a fuzz run killed with -9 leaves nothing behind).
 *
 *   node --import tsx scripts/fuzz/serve.ts
 */
import pino from 'pino';
import { startTestBridge, type TestBridge } from '../../test/support/bridge';

async function main(): Promise<void> {
  // On stderr: stdout carries only the BRIDGE_URL line.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const running: { bridge?: TestBridge } = {};
  let stopping: Promise<void> | undefined;
  const stop = (why: string, code: number): Promise<void> => {
    stopping ??= (async () => {
      logger.warn({ why }, 'fuzz bridge stopping');
      try {
        await running.bridge?.stop();
      } catch (error) {
        logger.error({ err: error }, 'the bridge did not stop cleanly');
        code = 1;
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

  const bridge = await startTestBridge(
    {
      ALLOW_USER_ID_OVERRIDE: 'true',
      // Generated user ids are many: few processes at once keep a 2-core machine usable; idle ones make way.
      MAX_SESSIONS: process.env.FUZZ_MAX_SESSIONS ?? '8',
      TURN_TIMEOUT_SECONDS: '60',
      // FUZZ_API_COMPAT=original fuzzes the original profile service-wide (X-Api-Compat still switches per request).
      API_COMPAT: process.env.FUZZ_API_COMPAT ?? 'default',
    },
    { logger },
  );
  running.bridge = bridge;
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
