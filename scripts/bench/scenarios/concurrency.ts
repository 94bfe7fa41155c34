/**
 * 3. Concurrency: 1, 10 and 50 users, each with their own session (X-User-Id), running turns at
 * once. The first round of a level starts every user's codex (cold); later rounds are warm. The
 * baseline is the same number of bare clients, each with its own app-server, rounds interleaved.
 *
 * 5. Event-loop stalls: with the 50 sessions warm, 50 streams at once, paced like a real model;
 * the bridge process's event-loop delay beside a canary process that only measures its own.
 */
import { performance } from 'node:perf_hooks';
import { chatStream, newAgent } from '../bridgeClient';
import type { BenchContext } from '../context';
import { cpuMsOf, descendantsCpuMs } from '../procfs';
import { machineBusy, readProcStat, type LoopDelayStats } from '../loopMonitor';
import type { RawAppServer } from '../rawClient';
import type { BridgeHost, CanaryHost } from '../setup';
import { ratio, summarize, type Summary } from '../stats';
import { totalMs, ttfdMs, type TurnTiming } from '../timing';
import { longReply, SHORT_REPLY } from './latency';

export interface ConcurrencySide {
  /** First request of each user: starts its codex process, then runs the turn. */
  coldMs: Summary;
  warmMs: Summary;
  warmTtfdMs: Summary;
  errors: number;
  firstError: string | undefined;
}

export interface ConcurrencyLevel {
  users: number;
  warmRounds: number;
  bridge: ConcurrencySide;
  raw: ConcurrencySide;
  ratios: { warmP50: number; warmP95: number; warmP99: number; coldP50: number };
}

export interface StallResult {
  streams: number;
  deltasPerStream: number;
  delayMs: number;
  errors: number;
  firstError: string | undefined;
  wallMs: number;
  deltas: number;
  /** Whether every stream was delivering at once (the window the target is judged on). */
  allLive: boolean;
  /** Share of the machine's CPU time (all cores) that was busy during that window, from /proc/stat. */
  machineBusyWhileLive: number | undefined;
  /** CPU used in that window, in cores (1 = one core all the time), by party. */
  cpuShareWhileLive: { bridge: number; codex: number; fakeModel: number; clients: number } | undefined;
  /** From the moment every stream had its first delta until the first stream ended. */
  bridge: LoopDelayStats;
  canary: LoopDelayStats;
  /** The whole run, including the burst of 50 thread/starts before the streams begin (information). */
  wholeRun: { bridge: LoopDelayStats; canary: LoopDelayStats };
}

function sideOf(cold: TurnTiming[], warm: TurnTiming[]): ConcurrencySide {
  const all = [...cold, ...warm];
  return {
    coldMs: summarize(cold.filter((timing) => timing.ok).map(totalMs)),
    warmMs: summarize(warm.filter((timing) => timing.ok).map(totalMs)),
    warmTtfdMs: summarize(warm.filter((timing) => timing.ok).map((timing) => ttfdMs(timing) ?? Number.NaN)),
    errors: all.filter((timing) => !timing.ok).length,
    firstError: all.find((timing) => !timing.ok)?.error,
  };
}

/** Runs the levels; calls `atFullLoad` with the users of the last level while their sessions are warm. */
export async function runConcurrency(
  ctx: BenchContext,
  bridge: BridgeHost,
  atFullLoad?: (users: string[]) => Promise<void>,
): Promise<ConcurrencyLevel[]> {
  const { plan, log, resources } = ctx;
  const levels: ConcurrencyLevel[] = [];
  await resources.setReply(SHORT_REPLY);
  for (const [index, count] of plan.concurrencyLevels.entries()) {
    const users = Array.from({ length: count }, (_, i) => `c${count}-u${i}`);
    const rounds = plan.warmRounds(count);
    log(
      `concurrency: ${count} user(s) at once, cold round then ${rounds} warm rounds, bridge and bare clients interleaved`,
    );
    // A fresh keep-alive pool per round: rounds here are seconds apart, and a socket idle for the
    // server's keepAliveTimeout (5 s) may be closed just as it is reused (ECONNRESET, a client race).
    const bridgeRound = async (): Promise<TurnTiming[]> => {
      const roundAgent = newAgent();
      try {
        return await Promise.all(
          users.map((userId) => chatStream(bridge.info.url, roundAgent, { prompt: 'Say hello', userId })),
        );
      } finally {
        roundAgent.destroy();
      }
    };

    const bridgeCold = await bridgeRound();
    const raws: Array<RawAppServer | undefined> = [];
    try {
      const rawCold = await Promise.all(
        users.map(async (_user, i): Promise<TurnTiming> => {
          const startedAt = performance.now();
          try {
            const raw = await resources.startRaw();
            raws[i] = raw;
            return { ...(await raw.runTurn('Say hello')), startedAt };
          } catch (error) {
            const now = performance.now();
            return {
              ok: false,
              error: (error as Error).message,
              startedAt,
              firstDeltaAt: undefined,
              completedAt: now,
              deltas: 0,
              events: 0,
            };
          }
        }),
      );
      const rawRound = (): Promise<TurnTiming[]> =>
        Promise.all(
          users.map((_user, i) => {
            const raw = raws[i];
            if (raw) return raw.runTurn('Say hello');
            const now = performance.now();
            return Promise.resolve<TurnTiming>({
              ok: false,
              error: 'app-server did not start',
              startedAt: now,
              firstDeltaAt: undefined,
              completedAt: now,
              deltas: 0,
              events: 0,
            });
          }),
        );
      const bridgeWarm: TurnTiming[] = [];
      const rawWarm: TurnTiming[] = [];
      for (let round = 0; round < rounds; round++) {
        bridgeWarm.push(...(await bridgeRound()));
        rawWarm.push(...(await rawRound()));
      }
      const bridgeSide = sideOf(bridgeCold, bridgeWarm);
      const rawSide = sideOf(rawCold, rawWarm);
      levels.push({
        users: count,
        warmRounds: rounds,
        bridge: bridgeSide,
        raw: rawSide,
        ratios: {
          warmP50: ratio(bridgeSide.warmMs.p50, rawSide.warmMs.p50),
          warmP95: ratio(bridgeSide.warmMs.p95, rawSide.warmMs.p95),
          warmP99: ratio(bridgeSide.warmMs.p99, rawSide.warmMs.p99),
          coldP50: ratio(bridgeSide.coldMs.p50, rawSide.coldMs.p50),
        },
      });
    } finally {
      await Promise.all(raws.map((raw) => (raw ? resources.stopRaw(raw) : undefined)));
    }
    if (index === plan.concurrencyLevels.length - 1 && atFullLoad) await atFullLoad(users);
    const stopped = await bridge.call('sweep', null);
    log(`concurrency: ${count} user(s) done; ${stopped} idle session(s) stopped`);
  }
  return levels;
}

/** CPU time (ms) so far of each party: the bridge process, its codex processes, the fake model, this (client) process. */
function cpuByParty(bridge: BridgeHost, fakePid: number): Record<'bridge' | 'codex' | 'fakeModel' | 'clients', number> {
  return {
    bridge: cpuMsOf(bridge.pid),
    codex: descendantsCpuMs(bridge.pid),
    fakeModel: cpuMsOf(fakePid),
    clients: cpuMsOf(process.pid),
  };
}

export async function runStalls(
  ctx: BenchContext,
  bridge: BridgeHost,
  canary: CanaryHost,
  users: string[],
): Promise<StallResult> {
  const { plan, log, resources } = ctx;
  const streamUsers = users.slice(0, plan.stallStreams);
  const agent = newAgent();
  const monitors = (name: string): Promise<[null, null]> =>
    Promise.all([
      bridge.call('loopStart', { name, resolutionMs: 1, split: true }),
      canary.call('loopStart', { name, resolutionMs: 1, split: true }),
    ]);
  const results = (name: string): Promise<[LoopDelayStats, LoopDelayStats]> =>
    Promise.all([bridge.call('loopStop', { name }), canary.call('loopStop', { name })]);
  try {
    await resources.setReply(longReply(plan.stallDeltas, plan.stallDelayMs));
    log(
      `stalls: ${streamUsers.length} streams x ${plan.stallDeltas} deltas every ${plan.stallDelayMs} ms; event-loop delay ` +
        'of the bridge and of a canary while every stream is live',
    );
    await monitors('run');
    const startedAt = performance.now();
    let live = 0;
    let liveWindow: Promise<unknown> | undefined;
    let timings: TurnTiming[] = [];
    let liveLoops: [LoopDelayStats, LoopDelayStats] | undefined;
    let statAtLive: number[] | undefined;
    let machineBusyWhileLive: number | undefined;
    let cpuAtLive: ReturnType<typeof cpuByParty> | undefined;
    let cpuShareWhileLive: StallResult['cpuShareWhileLive'];
    let liveStartedAt = 0;
    let runLoops: [LoopDelayStats, LoopDelayStats];
    try {
      const streams = streamUsers.map((userId) =>
        chatStream(bridge.info.url, agent, {
          prompt: 'Stream slowly',
          userId,
          timeoutMs: 300_000,
          onFirstDelta: () => {
            live++;
            if (live === streamUsers.length) {
              statAtLive = readProcStat();
              cpuAtLive = cpuByParty(bridge, resources.fake.pid);
              liveStartedAt = performance.now();
              liveWindow = monitors('live');
            }
          },
        }),
      );
      // The window closes when the first stream ends: from then on fewer than all are live.
      await Promise.race(streams);
      if (liveWindow) {
        await liveWindow;
        liveLoops = await results('live');
        machineBusyWhileLive = machineBusy(statAtLive, readProcStat());
        const cpuNow = cpuByParty(bridge, resources.fake.pid);
        const wallMs = performance.now() - liveStartedAt;
        const start = cpuAtLive;
        // No session starts or stops in this window; helpers that codex starts and reaps within it are not counted.
        if (start && wallMs > 0) {
          cpuShareWhileLive = {
            bridge: (cpuNow.bridge - start.bridge) / wallMs,
            codex: (cpuNow.codex - start.codex) / wallMs,
            fakeModel: (cpuNow.fakeModel - start.fakeModel) / wallMs,
            clients: (cpuNow.clients - start.clients) / wallMs,
          };
        }
      }
      timings = await Promise.all(streams);
    } finally {
      runLoops = await results('run');
    }
    const empty: LoopDelayStats = {
      windowMs: 0,
      samples: 0,
      p50Ms: 0,
      p99Ms: 0,
      maxMs: 0,
      stalls: 0,
      worstStalls: [],
      maxOnCpuMs: 0,
    };
    return {
      streams: streamUsers.length,
      deltasPerStream: plan.stallDeltas,
      delayMs: plan.stallDelayMs,
      errors: timings.filter((timing) => !timing.ok).length,
      firstError: timings.find((timing) => !timing.ok)?.error,
      wallMs: performance.now() - startedAt,
      deltas: timings.reduce((sum, timing) => sum + timing.deltas, 0),
      allLive: liveLoops !== undefined,
      machineBusyWhileLive,
      cpuShareWhileLive,
      bridge: liveLoops?.[0] ?? empty,
      canary: liveLoops?.[1] ?? empty,
      wholeRun: { bridge: runLoops[0], canary: runLoops[1] },
    };
  } finally {
    await resources.setReply(SHORT_REPLY);
    agent.destroy();
  }
}
