/**
 * 1. Latency: time to first delta and to turn completion, bridge (HTTP/SSE) against a bare JSON-RPC
 * client on app-server, same fake model, same binary and arguments, runs interleaved A B A B.
 * The long case also gives single-stream relay throughput and CPU per 1,000 events.
 */
import type { FakeReply } from '../../../test/support/fakeModel';
import { chatStream, newAgent } from '../bridgeClient';
import { bridgeCpuUs, ownCpuUs, type BenchContext } from '../context';
import type { RawAppServer } from '../rawClient';
import type { GcStats, MemorySnapshot } from '../hosts/bridgeHost';
import type { BridgeHost } from '../setup';
import { ratio, summarize, type Summary } from '../stats';
import { totalMs, ttfdMs, type TurnTiming } from '../timing';

export interface SideResult {
  turns: number;
  errors: number;
  firstError: string | undefined;
  ttfdMs: Summary;
  totalMs: Summary;
  /** Deltas per second between the first delta and the completion, per turn (long case). */
  deltasPerSecond: Summary;
  eventsPerTurn: number;
  /** CPU of the relaying process per 1,000 events it handled: the bridge process / the bare client. */
  cpuUsPer1kEvents: number;
}

export interface LatencyCaseResult {
  label: string;
  deltasPerTurn: number;
  pairs: number;
  bridge: SideResult;
  raw: SideResult;
  ratios: {
    ttfdP50: number;
    ttfdP95: number;
    totalP50: number;
    totalP95: number;
    deltasPerSecondP50: number;
    cpuPer1kEvents: number;
  };
  /** bridge p50 - raw p50, milliseconds. */
  ttfdOverheadP50Ms: number;
  totalOverheadP50Ms: number;
  /** Median of per-pair differences (bridge run minus the raw run next to it), milliseconds. */
  pairedTtfdDeltaP50Ms: number;
  pairedTotalDeltaP50Ms: number;
  /** The bridge process's garbage collections during the measured pairs, and its memory after them (no forced GC). */
  bridgeGc: GcStats;
  bridgeMemoryAfter: MemorySnapshot;
}

export interface LatencyCase {
  label: string;
  reply: FakeReply;
  pairs: number;
}

interface Sample {
  timing: TurnTiming;
  cpuUs: number;
}

export function longReply(deltas: number, delayMs = 0): FakeReply {
  // Four characters per delta; the fake splits the text into exactly `deltas` pieces.
  const text = 'lorem ipsum dolor sit amet, '.repeat(Math.ceil((deltas * 4) / 28)).slice(0, deltas * 4);
  return { kind: 'text', text, chunks: deltas, delayMs };
}

export const SHORT_REPLY: FakeReply = { kind: 'text', text: 'Hello from the fake model', chunks: 3 };

function side(samples: Sample[]): SideResult {
  const good = samples.filter((sample) => sample.timing.ok);
  const events = good.reduce((sum, sample) => sum + sample.timing.events, 0);
  const cpu = good.reduce((sum, sample) => sum + sample.cpuUs, 0);
  return {
    turns: samples.length,
    errors: samples.length - good.length,
    firstError: samples.find((sample) => !sample.timing.ok)?.timing.error,
    ttfdMs: summarize(good.map((sample) => ttfdMs(sample.timing) ?? Number.NaN)),
    totalMs: summarize(good.map((sample) => totalMs(sample.timing))),
    deltasPerSecond: summarize(
      good.map(({ timing }) =>
        timing.firstDeltaAt === undefined || timing.deltas < 2
          ? Number.NaN
          : timing.deltas / ((timing.completedAt - timing.firstDeltaAt) / 1000),
      ),
    ),
    eventsPerTurn: good.length === 0 ? 0 : events / good.length,
    cpuUsPer1kEvents: events === 0 ? Number.NaN : cpu / (events / 1000),
  };
}

export async function runLatency(
  ctx: BenchContext,
  bridge: BridgeHost,
  raw: RawAppServer,
  idleUsPerSecond: number,
): Promise<LatencyCaseResult[]> {
  const agent = newAgent();
  const { plan, log, resources } = ctx;
  const cases: LatencyCase[] = [
    { label: 'short reply (3 deltas)', reply: SHORT_REPLY, pairs: plan.shortPairs },
    { label: `long reply (${plan.longDeltas} deltas)`, reply: longReply(plan.longDeltas), pairs: plan.longPairs },
  ];
  const bridgeTurn = async (): Promise<Sample> => {
    const before = await bridgeCpuUs(bridge);
    const timing = await chatStream(bridge.info.url, agent, { prompt: 'Say hello', userId: 'latency' });
    const after = await bridgeCpuUs(bridge);
    const idle = (idleUsPerSecond * (timing.completedAt - timing.startedAt)) / 1000;
    return { timing, cpuUs: Math.max(0, after - before - idle) };
  };
  const rawTurn = async (): Promise<Sample> => {
    const before = ownCpuUs();
    const timing = await raw.runTurn('Say hello');
    return { timing, cpuUs: ownCpuUs() - before };
  };

  const results: LatencyCaseResult[] = [];
  try {
    for (const latencyCase of cases) {
      await resources.setReply(latencyCase.reply);
      log(
        `latency, ${latencyCase.label}: ${plan.latencyWarmup} warm-up pairs, then ${latencyCase.pairs} pairs A B A B`,
      );
      for (let i = 0; i < plan.latencyWarmup; i++) {
        await bridgeTurn();
        await rawTurn();
      }
      const bridgeSamples: Sample[] = [];
      const rawSamples: Sample[] = [];
      await bridge.call('gcStats', { reset: true });
      for (let i = 0; i < latencyCase.pairs; i++) {
        bridgeSamples.push(await bridgeTurn());
        rawSamples.push(await rawTurn());
      }
      const bridgeGc = await bridge.call('gcStats', { reset: true });
      const bridgeMemoryAfter = await bridge.call('memory', { gc: false });
      const bridgeSide = side(bridgeSamples);
      const rawSide = side(rawSamples);
      const paired = (measure: (timing: TurnTiming) => number | undefined): number =>
        summarize(
          bridgeSamples.map((sample, index) => {
            const other = rawSamples[index];
            if (!other || !sample.timing.ok || !other.timing.ok) return Number.NaN;
            return (measure(sample.timing) ?? Number.NaN) - (measure(other.timing) ?? Number.NaN);
          }),
        ).p50;
      const deltasPerTurn = bridgeSamples.find((sample) => sample.timing.ok)?.timing.deltas ?? 0;
      results.push({
        label: latencyCase.label,
        deltasPerTurn,
        pairs: latencyCase.pairs,
        bridge: bridgeSide,
        raw: rawSide,
        ratios: {
          ttfdP50: ratio(bridgeSide.ttfdMs.p50, rawSide.ttfdMs.p50),
          ttfdP95: ratio(bridgeSide.ttfdMs.p95, rawSide.ttfdMs.p95),
          totalP50: ratio(bridgeSide.totalMs.p50, rawSide.totalMs.p50),
          totalP95: ratio(bridgeSide.totalMs.p95, rawSide.totalMs.p95),
          deltasPerSecondP50: ratio(bridgeSide.deltasPerSecond.p50, rawSide.deltasPerSecond.p50),
          cpuPer1kEvents: ratio(bridgeSide.cpuUsPer1kEvents, rawSide.cpuUsPer1kEvents),
        },
        ttfdOverheadP50Ms: bridgeSide.ttfdMs.p50 - rawSide.ttfdMs.p50,
        totalOverheadP50Ms: bridgeSide.totalMs.p50 - rawSide.totalMs.p50,
        pairedTtfdDeltaP50Ms: paired(ttfdMs),
        pairedTotalDeltaP50Ms: paired(totalMs),
        bridgeGc,
        bridgeMemoryAfter,
      });
    }
  } finally {
    agent.destroy();
  }
  return results;
}
