/**
 * The bridge under test, in a process of its own so that its CPU time, memory and event-loop delay
 * are its own: startBridge() runs in-process here, next to the probes that measure it.
 *
 *   forked by scripts/bench (node --import tsx [--expose-gc] [--cpu-prof] scripts/bench/hosts/bridgeHost.ts '<env JSON>')
 */
import { parseConfig } from '../../../src/config/env';
import { silentLogger } from '../../../src/logger';
import { startBridge } from '../../../src/server';
import { serveHost } from '../ipc';
import { LoopMonitor, type LoopDelayStats } from '../loopMonitor';

export interface CpuSnapshot {
  userUs: number;
  systemUs: number;
}

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface BridgeHostInfo {
  url: string;
  codexVersion: string | undefined;
  codexFile: string | undefined;
}

export type BridgeHostCommands = {
  cpu: { arg: null; result: CpuSnapshot };
  memory: { arg: { gc: boolean }; result: MemorySnapshot };
  loopStart: { arg: { resolutionMs: number }; result: null };
  loopStop: { arg: null; result: LoopDelayStats };
  /** Stops every session that is not busy (as idle cleanup would, now); resolves with how many. */
  sweep: { arg: null; result: number };
  activeSessions: { arg: null; result: number };
};

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  gc();
}

serveHost<BridgeHostCommands>(async () => {
  const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  const config = parseConfig(env);
  const bridge = await startBridge(config, silentLogger, { validateResponses: false });
  if (!bridge.codex.command) {
    await bridge.close();
    throw new Error(`codex is not available: ${bridge.codex.problem ?? 'unknown'}`);
  }
  const monitor = new LoopMonitor();
  const info: BridgeHostInfo = { url: bridge.url, codexVersion: bridge.codex.version, codexFile: bridge.codex.command.file };
  return {
    info,
    handlers: {
      cpu: async () => {
        const usage = process.cpuUsage();
        return { userUs: usage.user, systemUs: usage.system };
      },
      memory: async ({ gc }) => {
        if (gc) collectGarbage();
        const usage = process.memoryUsage();
        return {
          rss: usage.rss,
          heapUsed: usage.heapUsed,
          heapTotal: usage.heapTotal,
          external: usage.external,
          arrayBuffers: usage.arrayBuffers,
        };
      },
      loopStart: async ({ resolutionMs }) => {
        monitor.start(resolutionMs);
        return null;
      },
      loopStop: async () => monitor.stop(),
      sweep: async () => bridge.sessions.sweepIdle(Number.MAX_SAFE_INTEGER),
      activeSessions: async () => bridge.sessions.activeSessions,
    },
    onStop: () => bridge.close(),
  };
});
