/**
 * 0. CPU per short turn: what one sequential turn costs the bridge process, for a new thread answered as
 * JSON, a new thread streamed as SSE, and the second turn of a thread (continued, JSON), each against
 * the bare JSON-RPC client doing the same (thread/start + turn/start, or turn/start alone), interleaved.
 * CPU time, not wall time: on 2 shared cores the wall clock mostly measures the neighbours.
 */
import { chatJson, chatStream, newAgent } from '../bridgeClient';
import { bridgeCpuUs, idleCpuRate, ownCpuUs, type BenchContext } from '../context';
import type { RawAppServer } from '../rawClient';
import type { BridgeHost } from '../setup';
import { ratio, summarize, type Summary } from '../stats';
import { totalMs, type TurnTiming } from '../timing';
import { SHORT_REPLY } from './latency';

export const TURN_KINDS = ['json', 'sse', 'continued'] as const;
export type TurnKind = (typeof TURN_KINDS)[number];

export interface TurnCpuSide {
  errors: number;
  firstError: string | undefined;
  /** CPU per turn of the relaying process (bridge: idle rate subtracted), milliseconds. */
  cpuMs: Summary;
  totalMs: Summary;
}

export interface TurnCpuKind {
  kind: TurnKind;
  bridge: TurnCpuSide;
  raw: TurnCpuSide;
  /** bridge / raw, CPU p50. */
  cpuRatioP50: number;
}

export interface TurnCpuResult {
  rounds: number;
  /** The bridge's CPU while idle, measured after the warm-up (start-up work over), subtracted per turn. */
  idleUsPerSecond: number;
  kinds: TurnCpuKind[];
  /** Bridge CPU p50 of a continued turn / of a new JSON turn. */
  continuedOverStart: number;
}

interface Sample {
  timing: TurnTiming;
  cpuUs: number;
}

function side(samples: Sample[]): TurnCpuSide {
  const good = samples.filter((sample) => sample.timing.ok);
  return {
    errors: samples.length - good.length,
    firstError: samples.find((sample) => !sample.timing.ok)?.timing.error,
    cpuMs: summarize(good.map((sample) => sample.cpuUs / 1000)),
    totalMs: summarize(good.map((sample) => totalMs(sample.timing))),
  };
}

export async function runTurnCpu(
  ctx: BenchContext,
  bridge: BridgeHost,
  raw: RawAppServer,
  startIdleUsPerSecond: number,
): Promise<TurnCpuResult> {
  let idleUsPerSecond = startIdleUsPerSecond;
  const { plan, log, resources } = ctx;
  const agent = newAgent();
  const url = bridge.info.url;
  const userId = 'turn-cpu';
  const measureBridge = async (turn: () => Promise<TurnTiming>): Promise<Sample> => {
    const before = await bridgeCpuUs(bridge);
    const timing = await turn();
    const after = await bridgeCpuUs(bridge);
    const idle = (idleUsPerSecond * (timing.completedAt - timing.startedAt)) / 1000;
    return { timing, cpuUs: Math.max(0, after - before - idle) };
  };
  const measureRaw = async (turn: () => Promise<TurnTiming>): Promise<Sample> => {
    const before = ownCpuUs();
    const timing = await turn();
    return { timing, cpuUs: ownCpuUs() - before };
  };
  const bridgeSamples = new Map<TurnKind, Sample[]>(TURN_KINDS.map((kind) => [kind, []]));
  const rawSamples = new Map<TurnKind, Sample[]>(TURN_KINDS.map((kind) => [kind, []]));
  const round = async (keep: boolean): Promise<void> => {
    const record = (into: Map<TurnKind, Sample[]>, kind: TurnKind, sample: Sample): void => {
      if (keep) into.get(kind)?.push(sample);
    };
    const json = await measureBridge(() => chatJson(url, agent, { prompt: 'Say hello', userId }));
    record(bridgeSamples, 'json', json);
    const rawNew = await measureRaw(() => raw.runTurn('Say hello'));
    record(rawSamples, 'json', rawNew);
    record(bridgeSamples, 'sse', await measureBridge(() => chatStream(url, agent, { prompt: 'Say hello', userId })));
    record(rawSamples, 'sse', await measureRaw(() => raw.runTurn('Say hello')));
    record(
      bridgeSamples,
      'continued',
      await measureBridge(() => chatJson(url, agent, { prompt: 'Again', userId, threadId: json.timing.threadId })),
    );
    record(rawSamples, 'continued', await measureRaw(() => raw.runTurn('Again', 120_000, rawNew.timing.threadId)));
  };
  try {
    await resources.setReply(SHORT_REPLY);
    log(`turn CPU: ${plan.latencyWarmup} warm-up rounds, then ${plan.shortPairs} rounds of JSON, SSE, continued`);
    for (let i = 0; i < plan.latencyWarmup; i++) await round(false);
    // Just after start the bridge still finishes start-up work (seconds of it): that is no idle rate.
    idleUsPerSecond = await idleCpuRate(bridge);
    log(`turn CPU: bridge idle CPU after the warm-up: ${idleUsPerSecond.toFixed(0)} us/s`);
    for (let i = 0; i < plan.shortPairs; i++) await round(true);
  } finally {
    agent.destroy();
  }
  const kinds = TURN_KINDS.map((kind): TurnCpuKind => {
    const bridgeSide = side(bridgeSamples.get(kind) ?? []);
    const rawSide = side(rawSamples.get(kind) ?? []);
    return { kind, bridge: bridgeSide, raw: rawSide, cpuRatioP50: ratio(bridgeSide.cpuMs.p50, rawSide.cpuMs.p50) };
  });
  const cpuP50 = (kind: TurnKind): number => kinds.find((item) => item.kind === kind)?.bridge.cpuMs.p50 ?? Number.NaN;
  return {
    rounds: plan.shortPairs,
    idleUsPerSecond,
    kinds,
    continuedOverStart: ratio(cpuP50('continued'), cpuP50('json')),
  };
}
