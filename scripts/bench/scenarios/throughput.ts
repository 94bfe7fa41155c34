/**
 * 2. Relay throughput with parallel streams: one user, N threads at once (one codex process, as a
 * single busy user would have), bridge against a bare client running the same N threads on one
 * app-server, rounds interleaved A B A B. CPU of the relaying process per 1,000 events.
 */
import { performance } from 'node:perf_hooks';
import { chatStream, newAgent } from '../bridgeClient';
import { bridgeCpuUs, ownCpuUs, type BenchContext } from '../context';
import type { LoopDelayStats } from '../loopMonitor';
import type { RawAppServer } from '../rawClient';
import type { BridgeHost } from '../setup';
import { ratio, summarize, type Summary } from '../stats';
import type { TurnTiming } from '../timing';
import { longReply } from './latency';

export interface RoundResult {
  streams: number;
  errors: number;
  deltas: number;
  events: number;
  /** First request sent to last completion. */
  wallMs: number;
  /** Deltas per second between the first delta of any stream and the last completion. */
  deltasPerSecond: number;
  cpuUsPer1kEvents: number;
}

export interface ParallelResult {
  streams: number;
  deltasPerStream: number;
  rounds: number;
  users: string;
  bridge: {
    rounds: RoundResult[];
    deltasPerSecond: Summary;
    cpuUsPer1kEvents: Summary;
    errors: number;
    firstError: string | undefined;
  };
  raw: {
    rounds: RoundResult[];
    deltasPerSecond: Summary;
    cpuUsPer1kEvents: Summary;
    errors: number;
    firstError: string | undefined;
  };
  ratios: { deltasPerSecondP50: number; cpuPer1kEvents: number };
  /** Event-loop delay in the bridge process during its rounds (information; the stall target is measured with 50 streams). */
  bridgeLoop: LoopDelayStats | undefined;
}

function round(timings: TurnTiming[], cpuUs: number): RoundResult {
  const good = timings.filter((timing) => timing.ok);
  const deltas = good.reduce((sum, timing) => sum + timing.deltas, 0);
  const events = good.reduce((sum, timing) => sum + timing.events, 0);
  const start = Math.min(...timings.map((timing) => timing.startedAt));
  const firstDelta = Math.min(...good.map((timing) => timing.firstDeltaAt ?? Number.POSITIVE_INFINITY));
  const end = Math.max(...timings.map((timing) => timing.completedAt));
  return {
    streams: timings.length,
    errors: timings.length - good.length,
    deltas,
    events,
    wallMs: end - start,
    deltasPerSecond: Number.isFinite(firstDelta) ? deltas / ((end - firstDelta) / 1000) : Number.NaN,
    cpuUsPer1kEvents: events === 0 ? Number.NaN : cpuUs / (events / 1000),
  };
}

export async function runParallel(
  ctx: BenchContext,
  bridge: BridgeHost,
  raw: RawAppServer,
  idleUsPerSecond: number,
): Promise<ParallelResult> {
  const { plan, log, resources } = ctx;
  const streams = plan.parallelStreams;
  const agent = newAgent();
  const firstErrors: { bridge?: string; raw?: string } = {};
  const bridgeRound = async (): Promise<RoundResult> => {
    const before = await bridgeCpuUs(bridge);
    const startedAt = performance.now();
    const timings = await Promise.all(
      Array.from({ length: streams }, () =>
        chatStream(bridge.info.url, agent, { prompt: 'Stream a lot', userId: 'throughput' }),
      ),
    );
    const after = await bridgeCpuUs(bridge);
    firstErrors.bridge ??= timings.find((timing) => !timing.ok)?.error;
    const idle = (idleUsPerSecond * (performance.now() - startedAt)) / 1000;
    return round(timings, Math.max(0, after - before - idle));
  };
  const rawRound = async (): Promise<RoundResult> => {
    const before = ownCpuUs();
    const timings = await Promise.all(Array.from({ length: streams }, () => raw.runTurn('Stream a lot')));
    firstErrors.raw ??= timings.find((timing) => !timing.ok)?.error;
    return round(timings, ownCpuUs() - before);
  };

  try {
    await resources.setReply(longReply(plan.longDeltas));
    log(
      `throughput: ${streams} parallel streams x ${plan.longDeltas} deltas (one user, ${streams} threads), 1 warm-up + ${plan.parallelRounds} rounds A B A B`,
    );
    await bridgeRound();
    await rawRound();
    const bridgeRounds: RoundResult[] = [];
    const rawRounds: RoundResult[] = [];
    await bridge.call('loopStart', { name: 'throughput', resolutionMs: 1 });
    let bridgeLoop: LoopDelayStats | undefined;
    try {
      for (let i = 0; i < plan.parallelRounds; i++) {
        bridgeRounds.push(await bridgeRound());
        rawRounds.push(await rawRound());
      }
    } finally {
      bridgeLoop = await bridge.call('loopStop', { name: 'throughput' });
    }
    const pack = (rounds: RoundResult[], firstError: string | undefined): ParallelResult['bridge'] => ({
      rounds,
      deltasPerSecond: summarize(rounds.map((item) => item.deltasPerSecond)),
      cpuUsPer1kEvents: summarize(rounds.map((item) => item.cpuUsPer1kEvents)),
      errors: rounds.reduce((sum, item) => sum + item.errors, 0),
      firstError,
    });
    const bridgeSide = pack(bridgeRounds, firstErrors.bridge);
    const rawSide = pack(rawRounds, firstErrors.raw);
    return {
      streams,
      deltasPerStream: plan.longDeltas,
      rounds: plan.parallelRounds,
      users: `one user, ${streams} threads (one codex process)`,
      bridge: bridgeSide,
      raw: rawSide,
      ratios: {
        deltasPerSecondP50: ratio(bridgeSide.deltasPerSecond.p50, rawSide.deltasPerSecond.p50),
        cpuPer1kEvents: ratio(bridgeSide.cpuUsPer1kEvents.p50, rawSide.cpuUsPer1kEvents.p50),
      },
      bridgeLoop,
    };
  } finally {
    agent.destroy();
  }
}
