/**
 * 4. Memory: the bridge process's RSS and each codex session's (app-server plus its descendants) at
 * 0, 10 and 50 idle sessions; then the Node wrapper (bin/codex.js run by node, which the configuration
 * cannot express: CODEX_BINARY_PATH runs a file directly) spawned by the benchmark with the same
 * arguments, against the native binary spawned the same way.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CodexCommand } from '../../../src/codex/binary';
import { newAgent, timedGet } from '../bridgeClient';
import type { BenchContext } from '../context';
import type { MemorySnapshot } from '../hosts/bridgeHost';
import { sleep } from '../ipc';
import { childTrees, treesOf, type ProcessTree } from '../procfs';
import type { RawAppServer } from '../rawClient';
import { MiB, summarize, type Summary } from '../stats';

export interface SessionsMemory {
  sessions: number;
  processesPerSession: number;
  /** Sum over each session's process tree, averaged over sessions (MiB). */
  rssPerSessionMiB: number;
  pssPerSessionMiB: number;
  /** Only the process that was spawned (the wrapper's node, or codex itself). */
  rootRssPerSessionMiB: number;
  totalRssMiB: number;
  totalPssMiB: number;
}

export interface BridgeMemoryLevel extends SessionsMemory {
  bridge: MemorySnapshot;
  errors: number;
}

export interface MemoryResult {
  bridgeLevels: BridgeMemoryLevel[];
  /** 15 s after start and the warm-up, before any forced collection: what an operator's `ps` shows. */
  freshUncollected?: MemorySnapshot;
  /** (RSS at the most sessions - RSS at 0) / sessions, and the same from the first non-zero level on. */
  bridgeRssGrowthPerSessionMiB: { fromZero: number; marginal: number; fromLevel: number; toLevel: number };
  bridgeHeapGrowthPerSessionMiB: { fromZero: number; marginal: number };
  native: SessionsMemory[];
  wrapper: SessionsMemory[];
  startMs: { native: Summary; wrapper: Summary };
  wrapperCommand: string;
}

const toMiB = (kib: number): number => kib / 1024;

function sessionsMemory(trees: ProcessTree[]): SessionsMemory {
  const n = trees.length;
  const sum = (pick: (tree: ProcessTree) => number): number => trees.reduce((total, tree) => total + pick(tree), 0);
  return {
    sessions: n,
    processesPerSession: n === 0 ? 0 : sum((tree) => tree.pids.length) / n,
    rssPerSessionMiB: n === 0 ? 0 : toMiB(sum((tree) => tree.rssKiB)) / n,
    pssPerSessionMiB: n === 0 ? 0 : toMiB(sum((tree) => tree.pssKiB)) / n,
    rootRssPerSessionMiB: n === 0 ? 0 : toMiB(sum((tree) => tree.rootRssKiB)) / n,
    totalRssMiB: toMiB(sum((tree) => tree.rssKiB)),
    totalPssMiB: toMiB(sum((tree) => tree.pssKiB)),
  };
}

export function wrapperCommand(): CodexCommand {
  const wrapper = path.join(path.dirname(require.resolve('@openai/codex/package.json')), 'bin', 'codex.js');
  return { file: process.execPath, prefixArgs: [wrapper], source: 'npm wrapper' };
}

const SETTLE_MS = 2000;

/**
 * Waits (bounded by `maxMs`) until three readings a second apart stay within 512 KiB, and at least
 * until `notBefore` (performance.now()). A fresh Node process gives back ~40 MiB of start-up memory
 * some 5-12 s after it started; a reading before that is no baseline.
 */
async function settle(read: () => Promise<number>, notBefore = 0, maxMs = 40_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  const readings: number[] = [await read()];
  while (performance.now() < deadline) {
    await sleep(1000);
    readings.push(await read());
    const recent = readings.slice(-3);
    const stable = recent.length === 3 && Math.max(...recent) - Math.min(...recent) < 512 * 1024;
    if (stable && performance.now() >= notBefore) return;
  }
}

export async function runMemory(ctx: BenchContext): Promise<MemoryResult> {
  const { plan, log, resources } = ctx;
  const levels = [...plan.memoryLevels].sort((a, b) => a - b);
  const agent = newAgent();
  const bridgeLevels: BridgeMemoryLevel[] = [];
  const host = await resources.startBridge({ name: 'memory bridge' });
  const hostStartedAt = performance.now();
  let freshUncollected: MemorySnapshot | undefined;
  try {
    // Warm the code paths first (HTTP, validation, starting and stopping one session), so that the
    // figures are growth per session, not one-time loading; then let RSS settle after start-up.
    for (let i = 0; i < 20; i++) await timedGet(`${host.info.url}/status`, agent);
    await timedGet(`${host.info.url}/threads?limit=1`, agent, { 'x-user-id': 'mem-warm-up' }, 60_000);
    await host.call('sweep', null);
    await sleep(Math.max(0, hostStartedAt + 15_000 - performance.now()));
    freshUncollected = await host.call('memory', { gc: false });
    await settle(async () => (await host.call('memory', { gc: true })).rss, hostStartedAt + 15_000);
    let started = 0;
    let errors = 0;
    for (const level of levels) {
      log(`memory: ${level} idle session(s) in the bridge`);
      while (started < level) {
        const batch = Array.from({ length: Math.min(10, level - started) }, (_, i) => `mem-u${started + i}`);
        // A fresh pool per batch: batches are seconds apart (see the keep-alive race in concurrency.ts).
        const batchAgent = newAgent();
        const results = await Promise.all(
          batch.map((userId) =>
            timedGet(`${host.info.url}/threads?limit=1`, batchAgent, { 'x-user-id': userId }, 60_000),
          ),
        );
        batchAgent.destroy();
        errors += results.filter((result) => result.status !== 200).length;
        started += batch.length;
      }
      await settle(async () => (await host.call('memory', { gc: true })).rss);
      const bridge = await host.call('memory', { gc: true });
      bridgeLevels.push({ ...sessionsMemory(childTrees(host.pid)), sessions: level, bridge, errors });
    }
  } finally {
    agent.destroy();
    await resources.stopHost(host);
  }

  const first = bridgeLevels[0];
  const last = bridgeLevels[bridgeLevels.length - 1];
  const firstNonZero = bridgeLevels.find((level) => level.sessions > 0);
  const growth = (pick: (level: BridgeMemoryLevel) => number): { fromZero: number; marginal: number } => ({
    fromZero:
      first && last && last.sessions > first.sessions
        ? (pick(last) - pick(first)) / MiB / (last.sessions - first.sessions)
        : Number.NaN,
    marginal:
      firstNonZero && last && last.sessions > firstNonZero.sessions
        ? (pick(last) - pick(firstNonZero)) / MiB / (last.sessions - firstNonZero.sessions)
        : Number.NaN,
  });

  // Native against wrapper, both spawned here with the bridge's arguments, each then idle after thread/list.
  const wrapper = wrapperCommand();
  const native: SessionsMemory[] = [];
  const wrapped: SessionsMemory[] = [];
  const startNative: number[] = [];
  const startWrapper: number[] = [];
  const spawnTimed = async (command: CodexCommand, into: number[]): Promise<RawAppServer> => {
    const startedAt = performance.now();
    const raw = await resources.startRaw(command);
    into.push(performance.now() - startedAt);
    await raw.request('thread/list', { limit: 1 });
    return raw;
  };
  const wrapperLevels = [...plan.wrapperLevels].sort((a, b) => a - b);
  const raws: RawAppServer[] = [];
  try {
    // Start-up time: one at a time, alternating, so neither kind gets the quieter moments.
    log('memory: start-up time, native binary against the Node wrapper (alternating, one at a time)');
    for (let i = 0; i < plan.startupPairs; i++) {
      raws.push(await spawnTimed(resources.codex, startNative));
      raws.push(await spawnTimed(wrapper, startWrapper));
    }
    await Promise.all(raws.splice(0).map((raw) => resources.stopRaw(raw)));
    for (const [kind, command, into] of [
      ['native', resources.codex, native],
      ['wrapper', wrapper, wrapped],
    ] as const) {
      for (const level of wrapperLevels) {
        log(`memory: ${level} idle ${kind} app-server(s) spawned directly`);
        while (raws.length < level) {
          const batch = Math.min(10, level - raws.length);
          raws.push(...(await Promise.all(Array.from({ length: batch }, () => spawnTimed(command, [])))));
        }
        await sleep(SETTLE_MS);
        into.push(sessionsMemory(treesOf(raws.map((raw) => raw.pid))));
      }
      await Promise.all(raws.splice(0).map((raw) => resources.stopRaw(raw)));
    }
  } finally {
    await Promise.all(raws.splice(0).map((raw) => resources.stopRaw(raw)));
  }

  return {
    bridgeLevels,
    freshUncollected,
    bridgeRssGrowthPerSessionMiB: {
      ...growth((level) => level.bridge.rss),
      fromLevel: firstNonZero?.sessions ?? 0,
      toLevel: last?.sessions ?? 0,
    },
    bridgeHeapGrowthPerSessionMiB: growth((level) => level.bridge.heapUsed),
    native,
    wrapper: wrapped,
    startMs: { native: summarize(startNative), wrapper: summarize(startWrapper) },
    wrapperCommand: `${wrapper.file} ${wrapper.prefixArgs.join(' ')} app-server <same -c arguments>`,
  };
}
