/**
 * The probe inside the bridge under test. The bridge is the production start, `node scripts/start.js`
 * (compiled dist/, no tsx), with this file bundled to plain JavaScript (scripts/bench/setup.ts) and
 * preloaded with --require: it catches the RunningBridge that dist/src/main.js starts and answers the
 * benchmark's probes (CPU, memory, event-loop delay, GC) from inside the bridge process, so that they
 * are the bridge's own. It loads only Node built-ins besides what the bridge loads anyway.
 *
 *   node --require .cache/bench/bridgeProbe.cjs --expose-gc [--cpu-prof] scripts/start.js   (env: the bridge's)
 */
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { RunningBridge } from '../../../src/server';
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

/** Garbage-collection pauses of the bridge process since the last reset (PerformanceObserver 'gc'). */
export interface GcStats {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Mark-compact collections: the long pauses. */
  major: number;
  majorMaxMs: number;
}

export interface BridgeHostInfo {
  url: string;
  codexVersion: string | undefined;
  codexFile: string | undefined;
}

export type BridgeHostCommands = {
  cpu: { arg: null; result: CpuSnapshot };
  memory: { arg: { gc: boolean }; result: MemorySnapshot };
  /** Named monitors, so that a window can be measured inside a longer one. */
  loopStart: { arg: { name: string; resolutionMs: number; split?: boolean }; result: null };
  loopStop: { arg: { name: string }; result: LoopDelayStats };
  /** Stops every session that is not busy (as idle cleanup would, now); resolves with how many. */
  sweep: { arg: null; result: number };
  activeSessions: { arg: null; result: number };
  gcStats: { arg: { reset: boolean }; result: GcStats };
};

function observeGc(): { read: (reset: boolean) => GcStats } {
  let stats: GcStats = { count: 0, totalMs: 0, maxMs: 0, major: 0, majorMaxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      stats.count++;
      stats.totalMs += entry.duration;
      stats.maxMs = Math.max(stats.maxMs, entry.duration);
      if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        stats.major++;
        stats.majorMaxMs = Math.max(stats.majorMaxMs, entry.duration);
      }
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    read: (reset) => {
      const current = stats;
      if (reset) stats = { count: 0, totalMs: 0, maxMs: 0, major: 0, majorMaxMs: 0 };
      return current;
    },
  };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  gc();
}

/**
 * dist/src/main.js calls `(0, server_1.startBridge)(...)`, reading the export at call time: replacing it
 * before main.js runs hands this probe the bridge main starts, without a line of main changed.
 */
function catchStartedBridge(): Promise<RunningBridge> {
  // process.argv[1] is scripts/start.js, the entry this probe was preloaded into.
  const distServer = path.resolve(path.dirname(process.argv[1] ?? '.'), '../dist/src/server.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require(distServer) as { startBridge: (...args: unknown[]) => Promise<RunningBridge> };
  const original = server.startBridge;
  return new Promise((resolve, reject) => {
    server.startBridge = (...args: unknown[]) => {
      const started = original(...args);
      started.then(resolve, reject);
      return started;
    };
  });
}

const started = catchStartedBridge();

serveHost<BridgeHostCommands>(async () => {
  const bridge = await started;
  if (!bridge.codex.command) {
    await bridge.close();
    throw new Error(`codex is not available: ${bridge.codex.problem ?? 'unknown'}`);
  }
  const monitors = new Map<string, LoopMonitor>();
  const gc = observeGc();
  const info: BridgeHostInfo = {
    url: bridge.url,
    codexVersion: bridge.codex.version,
    codexFile: bridge.codex.command.file,
  };
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
      loopStart: async ({ name, resolutionMs, split }) => {
        const monitor = monitors.get(name) ?? new LoopMonitor();
        monitors.set(name, monitor);
        monitor.start(resolutionMs, split ?? false);
        return null;
      },
      loopStop: async ({ name }) => {
        const monitor = monitors.get(name);
        monitors.delete(name);
        return monitor ? monitor.stop() : new LoopMonitor().stop();
      },
      sweep: async () => bridge.sessions.sweepIdle(Number.MAX_SAFE_INTEGER),
      activeSessions: async () => bridge.sessions.activeSessions,
      gcStats: async ({ reset }) => gc.read(reset),
    },
    onStop: () => bridge.close(),
  };
});
