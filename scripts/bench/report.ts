import type { IsolationResult } from './scenarios/isolation';
import type { LimitsResult } from './scenarios/limits';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Figure } from './figures';
import type { ProfileSummary } from './profile';
import type { AuthResult } from './scenarios/auth';
import type { ConcurrencyLevel, StallResult } from './scenarios/concurrency';
import type { LatencyCaseResult } from './scenarios/latency';
import type { MemoryResult } from './scenarios/memory';
import type { ParallelResult } from './scenarios/throughput';
import type { TurnCpuResult } from './scenarios/turnCpu';
import { fmt, MiB, ratio } from './stats';
import { STALL_THRESHOLD_MS, type Stall } from './loopMonitor';

export interface MachineFacts {
  nproc: number;
  cpuModel: string;
  memTotalMiB: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  platform: string;
  node: string;
  codexVersion: string;
  codexBinary: string;
  gitCommit: string | undefined;
}

export interface TargetCheck {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

export interface BenchResults {
  startedAt: string;
  mode: 'quick' | 'full';
  durationSeconds: number;
  machine: MachineFacts;
  notes: string[];
  /** Load average (1, 5, 15 min) when each section ended: the figures of a section carry it. */
  sectionLoad?: Record<string, number[]>;
  turnCpu?: TurnCpuResult;
  latency?: LatencyCaseResult[];
  throughput?: ParallelResult;
  concurrency?: ConcurrencyLevel[];
  stalls?: StallResult;
  memory?: MemoryResult;
  auth?: AuthResult;
  limits?: LimitsResult;
  isolation?: IsolationResult;
  targets: TargetCheck[];
  /** The headline figures, flat, each with commit, cores and load (scripts/bench/figures.ts). */
  figures?: Figure[];
  profile?: ProfileSummary;
  errors: string[];
}

export function machineFacts(codexVersion: string, codexBinary: string): MachineFacts {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    // Not Linux.
  }
  let gitCommit: string | undefined;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    gitCommit = undefined;
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    memTotalMiB: Math.round(os.totalmem() / MiB),
    loadAverageAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
    loadAverageAtEnd: [],
    platform: `${process.platform}-${process.arch} ${os.release()}`,
    node: process.version,
    codexVersion,
    codexBinary,
    gitCommit,
  };
}

/** Issue 18's targets, judged on the figures measured; a MISS is reported, never fatal. */
export const TURN_CPU_TARGET_MS = 9;
export const FRESH_RSS_TARGET_MIB = 60;
export const TEN_SESSIONS_RSS_TARGET_MIB = 75;

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (name: string, value: string, target: string, pass: boolean): void => {
    checks.push({ name, value, target, pass });
  };
  if (results.turnCpu) {
    for (const kind of results.turnCpu.kinds) {
      add(
        `bridge CPU per short turn p50, ${kind.kind}`,
        `${fmt(kind.bridge.cpuMs.p50, 2)} ms (bare client ${fmt(kind.raw.cpuMs.p50, 2)})`,
        `<= ${TURN_CPU_TARGET_MS} ms`,
        kind.bridge.errors === 0 && kind.bridge.cpuMs.p50 <= TURN_CPU_TARGET_MS,
      );
    }
    add(
      'bridge CPU, continued turn / new-thread turn (p50, JSON)',
      fmt(results.turnCpu.continuedOverStart, 2),
      '<= 1.00',
      results.turnCpu.continuedOverStart <= 1,
    );
  }
  for (const latencyCase of results.latency ?? []) {
    const long = latencyCase.deltasPerTurn >= 100;
    add(
      `bridge/raw p50 turn latency, ${latencyCase.label}`,
      fmt(latencyCase.ratios.totalP50, 3),
      '<= 1.05',
      latencyCase.ratios.totalP50 <= 1.05,
    );
    if (long)
      add(
        `bridge/raw p95 turn latency, ${latencyCase.label}`,
        fmt(latencyCase.ratios.totalP95, 3),
        '<= 1.10',
        latencyCase.ratios.totalP95 <= 1.1,
      );
    add(
      `time-to-first-delta overhead at p50, ${latencyCase.label}`,
      `${fmt(latencyCase.ttfdOverheadP50Ms, 2)} ms`,
      '<= 1 ms',
      latencyCase.ttfdOverheadP50Ms <= 1,
    );
  }
  const fifty = results.concurrency?.find((level) => level.users === 50);
  if (fifty) {
    add('50 concurrent users: errors', String(fifty.bridge.errors), '0', fifty.bridge.errors === 0);
    add(
      '50 concurrent users: bridge/raw warm p50',
      fmt(fifty.ratios.warmP50, 3),
      '<= 1.05',
      fifty.ratios.warmP50 <= 1.05,
    );
  }
  if (results.memory) {
    const rssAt = (sessions: number): number | undefined =>
      results.memory?.bridgeLevels.find((level) => level.sessions === sessions)?.bridge.rss;
    const fresh = rssAt(0);
    if (fresh !== undefined)
      add(
        'bridge RSS fresh (after start-up and one session, collected)',
        `${fmt(fresh / MiB, 1)} MiB`,
        `<= ${FRESH_RSS_TARGET_MIB} MiB`,
        fresh / MiB <= FRESH_RSS_TARGET_MIB,
      );
    const ten = rssAt(10);
    if (ten !== undefined)
      add(
        'bridge RSS with 10 idle sessions',
        `${fmt(ten / MiB, 1)} MiB`,
        `<= ${TEN_SESSIONS_RSS_TARGET_MIB} MiB`,
        ten / MiB <= TEN_SESSIONS_RSS_TARGET_MIB,
      );
    const growth = results.memory.bridgeRssGrowthPerSessionMiB;
    add(
      `bridge RSS growth per idle session (0 -> ${growth.toLevel} sessions)`,
      `${fmt(growth.fromZero, 2)} MiB`,
      '<= 1 MiB',
      growth.fromZero <= 1,
    );
  }
  if (results.stalls) {
    add(
      `longest own-work (on-CPU) stall, ${results.stalls.streams} live streams`,
      `${fmt(results.stalls.bridge.maxOnCpuMs, 1)} ms`,
      `<= ${STALL_THRESHOLD_MS} ms (derived)`,
      results.stalls.allLive && (results.stalls.bridge.maxOnCpuMs ?? Number.POSITIVE_INFINITY) <= STALL_THRESHOLD_MS,
    );
    add(
      `max event-loop delay, ${results.stalls.streams} live streams`,
      `${fmt(results.stalls.bridge.maxMs, 1)} ms`,
      `<= ${STALL_THRESHOLD_MS} ms`,
      results.stalls.allLive && results.stalls.bridge.maxMs <= STALL_THRESHOLD_MS && results.stalls.errors === 0,
    );
  }
  return checks;
}

type Row = [string, string, string, string, string, string];

function printTable(title: string, header: Row, rows: Row[]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: Row): string => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(render(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  rows.forEach((row) => console.log(render(row)));
}

const stallSplit = (stall: Stall | undefined): string =>
  stall ? `${fmt(stall.lateMs, 0)} (cpu ${fmt(stall.onCpuMs, 0)}, wait ${fmt(stall.waitingForCpuMs, 0)})` : 'none';
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISS');
const pair = (a: number, b: number, digits = 1): string => `${fmt(a, digits)} / ${fmt(b, digits)}`;

export function printResults(results: BenchResults): void {
  const m = results.machine;
  console.log(
    `\nCodex API Bridge benchmark (${results.mode}), ${results.startedAt}, ${fmt(results.durationSeconds, 0)} s`,
  );
  console.log(
    `machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memTotalMiB} MiB, ${m.platform}; node ${m.node}; ${m.codexVersion} (${m.codexBinary}); ` +
      `load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end; commit ${m.gitCommit ?? '?'}`,
  );
  const header: Row = ['Measure', 'Bridge', 'Baseline', 'Bridge/baseline', 'Target', 'Result'];
  const targets = new Map(results.targets.map((check) => [check.name, check]));
  const judged = (name: string): [string, string] => {
    const check = targets.get(name);
    return check ? [check.target, verdict(check.pass)] : ['', ''];
  };
  const judgedAll = (names: string[]): [string, string] => {
    const checks = names.map((name) => targets.get(name)).filter((check) => check !== undefined);
    return [checks.map((check) => check.target).join(' / '), checks.map((check) => verdict(check.pass)).join(' / ')];
  };

  if (results.turnCpu) {
    const rows: Row[] = [];
    for (const kind of results.turnCpu.kinds) {
      rows.push([
        `${kind.kind}: CPU per turn p50 / mean (ms)`,
        pair(kind.bridge.cpuMs.p50, kind.bridge.cpuMs.mean, 2),
        pair(kind.raw.cpuMs.p50, kind.raw.cpuMs.mean, 2),
        fmt(kind.cpuRatioP50, 2),
        ...judged(`bridge CPU per short turn p50, ${kind.kind}`),
      ]);
      rows.push([
        `${kind.kind}: turn p50 (ms); errors`,
        `${fmt(kind.bridge.totalMs.p50, 1)}; ${kind.bridge.errors}`,
        `${fmt(kind.raw.totalMs.p50, 1)}; ${kind.raw.errors}`,
        fmt(ratio(kind.bridge.totalMs.p50, kind.raw.totalMs.p50), 3),
        '',
        '',
      ]);
    }
    rows.push([
      'continued / new-thread CPU p50 (bridge)',
      fmt(results.turnCpu.continuedOverStart, 2),
      '',
      '',
      ...judged('bridge CPU, continued turn / new-thread turn (p50, JSON)'),
    ]);
    printTable(
      `0. CPU per short turn (${results.turnCpu.rounds} rounds of JSON, SSE, continued, each against the bare client, interleaved; bridge process CPU, idle rate ${fmt(results.turnCpu.idleUsPerSecond, 0)} us/s subtracted)`,
      header,
      rows,
    );
  }

  if (results.latency) {
    const rows: Row[] = [];
    for (const c of results.latency) {
      rows.push([
        `${c.label}: turn p50 / p95 (ms)`,
        pair(c.bridge.totalMs.p50, c.bridge.totalMs.p95),
        pair(c.raw.totalMs.p50, c.raw.totalMs.p95),
        pair(c.ratios.totalP50, c.ratios.totalP95, 3),
        ...judgedAll([`bridge/raw p50 turn latency, ${c.label}`, `bridge/raw p95 turn latency, ${c.label}`]),
      ]);
      rows.push([
        `${c.label}: first delta p50 / p95 (ms)`,
        pair(c.bridge.ttfdMs.p50, c.bridge.ttfdMs.p95),
        pair(c.raw.ttfdMs.p50, c.raw.ttfdMs.p95),
        pair(c.ratios.ttfdP50, c.ratios.ttfdP95, 3),
        '',
        '',
      ]);
      rows.push([
        `${c.label}: first-delta overhead p50 (ms)`,
        `${c.ttfdOverheadP50Ms >= 0 ? '+' : ''}${fmt(c.ttfdOverheadP50Ms, 2)}`,
        `paired: ${fmt(c.pairedTtfdDeltaP50Ms, 2)}`,
        '',
        ...judged(`time-to-first-delta overhead at p50, ${c.label}`),
      ]);
      rows.push([`${c.label}: errors (${c.pairs} pairs)`, String(c.bridge.errors), String(c.raw.errors), '', '', '']);
      rows.push([
        `${c.label}: bridge GC max pause / total (ms), heap after (MiB)`,
        `${fmt(c.bridgeGc.maxMs, 1)} / ${fmt(c.bridgeGc.totalMs, 0)}, ${fmt(c.bridgeMemoryAfter.heapUsed / MiB, 0)}`,
        '',
        '',
        '',
        '',
      ]);
    }
    printTable(
      '1. Latency (baseline: bare JSON-RPC client on app-server; same fake model, binary, arguments; A B A B)',
      header,
      rows,
    );
  }

  const long = results.latency?.find((c) => c.deltasPerTurn >= 100);
  if (long || results.throughput) {
    const rows: Row[] = [];
    if (long) {
      rows.push([
        `1 stream: deltas/s p50 (${long.deltasPerTurn} deltas)`,
        fmt(long.bridge.deltasPerSecond.p50, 0),
        fmt(long.raw.deltasPerSecond.p50, 0),
        fmt(long.ratios.deltasPerSecondP50, 3),
        '',
        '',
      ]);
      rows.push([
        '1 stream: CPU us per 1,000 events',
        fmt(long.bridge.cpuUsPer1kEvents, 0),
        fmt(long.raw.cpuUsPer1kEvents, 0),
        fmt(long.ratios.cpuPer1kEvents, 2),
        '',
        '',
      ]);
    }
    const t = results.throughput;
    if (t) {
      rows.push([
        `${t.streams} streams (${t.users}): deltas/s p50`,
        fmt(t.bridge.deltasPerSecond.p50, 0),
        fmt(t.raw.deltasPerSecond.p50, 0),
        fmt(t.ratios.deltasPerSecondP50, 3),
        '',
        '',
      ]);
      rows.push([
        `${t.streams} streams: CPU us per 1,000 events`,
        fmt(t.bridge.cpuUsPer1kEvents.p50, 0),
        fmt(t.raw.cpuUsPer1kEvents.p50, 0),
        fmt(t.ratios.cpuPer1kEvents, 2),
        '',
        '',
      ]);
      rows.push([
        `${t.streams} streams: errors (${t.rounds} rounds)`,
        String(t.bridge.errors),
        String(t.raw.errors),
        '',
        '',
        '',
      ]);
      if (t.bridgeLoop)
        rows.push([
          `${t.streams} streams: max event-loop delay (info)`,
          `${fmt(t.bridgeLoop.maxMs, 1)} ms`,
          '',
          '',
          '',
          '',
        ]);
    }
    printTable(
      '2. Relay throughput (bridge process CPU, idle baseline subtracted; baseline CPU: the bare client process)',
      header,
      rows,
    );
  }

  if (results.concurrency) {
    const rows: Row[] = [];
    for (const level of results.concurrency) {
      const b = level.bridge;
      const r = level.raw;
      rows.push([
        `${level.users} users: warm turn p50 / p95 / p99 (ms)`,
        `${fmt(b.warmMs.p50, 0)} / ${fmt(b.warmMs.p95, 0)} / ${fmt(b.warmMs.p99, 0)}`,
        `${fmt(r.warmMs.p50, 0)} / ${fmt(r.warmMs.p95, 0)} / ${fmt(r.warmMs.p99, 0)}`,
        `${fmt(level.ratios.warmP50, 2)} / ${fmt(level.ratios.warmP95, 2)} / ${fmt(level.ratios.warmP99, 2)}`,
        ...(level.users === 50 ? judged('50 concurrent users: bridge/raw warm p50') : (['', ''] as [string, string])),
      ]);
      rows.push([
        `${level.users} users: cold first request p50 / max (ms)`,
        pair(b.coldMs.p50, b.coldMs.max, 0),
        pair(r.coldMs.p50, r.coldMs.max, 0),
        fmt(level.ratios.coldP50, 2),
        '',
        '',
      ]);
      const [target, result] = level.users === 50 ? judged('50 concurrent users: errors') : ['', ''];
      rows.push([`${level.users} users: errors`, String(b.errors), String(r.errors), '', target, result]);
    }
    printTable(
      '3. Concurrency (own session per user; baseline: one bare client + app-server per user; short reply)',
      header,
      rows,
    );
  }

  if (results.stalls) {
    const s = results.stalls;
    const name = `max event-loop delay, ${s.streams} live streams`;
    const title =
      `5. Event-loop stalls (${s.streams} streams x ${s.deltasPerStream} deltas, one every ${s.delayMs} ms; ` +
      `while all ${s.streams} are live: ${fmt(s.bridge.windowMs / 1000, 1)} s, machine CPU ${fmt((s.machineBusyWhileLive ?? Number.NaN) * 100, 0)}% busy; ` +
      'canary = a process doing nothing)';
    printTable(
      title,
      ['Measure', 'Bridge', 'Canary', '', 'Target', 'Result'],
      [
        [
          'max event-loop delay, all streams live (ms)',
          fmt(s.bridge.maxMs, 1),
          fmt(s.canary.maxMs, 1),
          '',
          ...judged(name),
        ],
        ['p99 event-loop delay, all streams live (ms)', fmt(s.bridge.p99Ms, 1), fmt(s.canary.p99Ms, 1), '', '', ''],
        [
          `ticks > ${STALL_THRESHOLD_MS} ms late, all streams live`,
          String(s.bridge.stalls),
          String(s.canary.stalls),
          '',
          '',
          '',
        ],
        [
          'longest on-CPU part of a stall (own work, ms)',
          fmt(s.bridge.maxOnCpuMs, 1),
          fmt(s.canary.maxOnCpuMs, 1),
          '',
          ...judged(`longest own-work (on-CPU) stall, ${s.streams} live streams`),
        ],
        [
          'worst stall: late (on CPU, waiting for a CPU) (ms)',
          stallSplit(s.bridge.worstStalls[0]),
          stallSplit(s.canary.worstStalls[0]),
          '',
          '',
          '',
        ],
        [
          'max event-loop delay, whole run incl. 50 thread starts (ms)',
          fmt(s.wholeRun.bridge.maxMs, 1),
          fmt(s.wholeRun.canary.maxMs, 1),
          '',
          '',
          '',
        ],
        ['stream errors', String(s.errors), '', '', '', ''],
      ],
    );
    const share = s.cpuShareWhileLive;
    if (share) {
      console.log(
        `CPU used while all streams were live, in cores (of ${results.machine.nproc}): bridge ${fmt(share.bridge, 2)}, ` +
          `codex processes ${fmt(share.codex, 2)}, fake model ${fmt(share.fakeModel, 2)}, benchmark clients ${fmt(share.clients, 2)}`,
      );
    }
  }

  if (results.memory) {
    const mem = results.memory;
    const rows: Row[] = [];
    for (const level of mem.bridgeLevels) {
      rows.push([
        `bridge RSS / heap used, ${level.sessions} idle sessions (MiB)`,
        pair(level.bridge.rss / MiB, level.bridge.heapUsed / MiB),
        '',
        '',
        ...(level.sessions === 0
          ? judged('bridge RSS fresh (after start-up and one session, collected)')
          : level.sessions === 10
            ? judged('bridge RSS with 10 idle sessions')
            : (['', ''] as [string, string])),
      ]);
    }
    if (mem.freshUncollected)
      rows.push([
        'bridge RSS / heap used fresh, not collected (MiB)',
        pair(mem.freshUncollected.rss / MiB, mem.freshUncollected.heapUsed / MiB),
        '',
        '',
        '',
        '',
      ]);
    const growth = mem.bridgeRssGrowthPerSessionMiB;
    rows.push([
      `bridge RSS growth per idle session, 0 -> ${growth.toLevel} (MiB)`,
      fmt(growth.fromZero, 3),
      '',
      '',
      ...judged(`bridge RSS growth per idle session (0 -> ${growth.toLevel} sessions)`),
    ]);
    rows.push([
      `bridge RSS growth per idle session, ${growth.fromLevel} -> ${growth.toLevel} (MiB)`,
      fmt(growth.marginal, 3),
      '',
      '',
      '',
      '',
    ]);
    rows.push([
      `bridge heap growth per idle session, 0 -> ${growth.toLevel} (MiB)`,
      fmt(mem.bridgeHeapGrowthPerSessionMiB.fromZero, 3),
      '',
      '',
      '',
      '',
    ]);
    for (const level of mem.bridgeLevels.filter((item) => item.sessions > 0)) {
      rows.push([
        `codex per session in the bridge, ${level.sessions} sessions: RSS / PSS (MiB)`,
        pair(level.rssPerSessionMiB, level.pssPerSessionMiB),
        '',
        '',
        '',
        '',
      ]);
    }
    for (const wrapper of mem.wrapper) {
      const native = mem.native.find((item) => item.sessions === wrapper.sessions);
      rows.push([
        `per session, ${wrapper.sessions} spawned: wrapper vs native RSS (MiB)`,
        fmt(wrapper.rssPerSessionMiB),
        fmt(native?.rssPerSessionMiB),
        fmt(native ? wrapper.rssPerSessionMiB / native.rssPerSessionMiB : Number.NaN, 2),
        '',
        '',
      ]);
      rows.push([
        `per session, ${wrapper.sessions} spawned: wrapper vs native PSS (MiB)`,
        fmt(wrapper.pssPerSessionMiB),
        fmt(native?.pssPerSessionMiB),
        fmt(native ? wrapper.pssPerSessionMiB / native.pssPerSessionMiB : Number.NaN, 2),
        '',
        '',
      ]);
    }
    rows.push([
      'start to logged in p50: wrapper vs native (ms)',
      fmt(mem.startMs.wrapper.p50, 0),
      fmt(mem.startMs.native.p50, 0),
      fmt(mem.startMs.wrapper.p50 / mem.startMs.native.p50, 2),
      '',
      '',
    ]);
    printTable(
      '4. Memory (RSS = sum of VmRSS over app-server and descendants; PSS splits shared pages; "Bridge" column = wrapper rows: wrapper, baseline = native)',
      header,
      rows,
    );
  }

  if (results.auth) {
    const rows: Row[] = results.auth.routes.flatMap((route): Row[] => [
      [
        `${route.route}: p50 / p95 (ms)`,
        pair(route.keycloak.ms.p50, route.keycloak.ms.p95, 3),
        pair(route.none.ms.p50, route.none.ms.p95, 3),
        pair(route.ratios.p50, route.ratios.p95, 3),
        '',
        '',
      ],
      [`${route.route}: auth overhead p50 (us)`, fmt(route.overheadP50Us, 0), '', '', '', ''],
      [
        `${route.route}: bridge CPU per request (us)`,
        fmt(route.keycloak.cpuUsPerRequest, 0),
        fmt(route.none.cpuUsPerRequest, 0),
        fmt(route.ratios.cpuPerRequest, 2),
        '',
        '',
      ],
      [
        `${route.route}: errors (${route.requests} each)`,
        String(route.keycloak.errors),
        String(route.none.errors),
        '',
        '',
        '',
      ],
    ]);
    printTable(
      `6. Auth cost (Bridge = Keycloak mode, warm cache; baseline = SECURITY_METHOD=None; ${results.auth.introspectionCallsWhileMeasuring} introspection calls while measuring)`,
      header,
      rows,
    );
  }

  if (results.targets.length > 0) {
    printTable(
      'Targets',
      ['Target', 'Measured', 'Wanted', '', '', 'Result'],
      results.targets.map((check): Row => [check.name, check.value, check.target, '', '', verdict(check.pass)]),
    );
  }
  for (const note of results.notes) console.log(`note: ${note}`);
  for (const error of results.errors) console.log(`ERROR: ${error}`);
}
