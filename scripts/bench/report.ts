import type { IsolationResult } from './scenarios/isolation';
import type { LimitsResult } from './scenarios/limits';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { ProfileSummary } from './profile';
import type { AuthResult } from './scenarios/auth';
import type { ConcurrencyLevel, StallResult } from './scenarios/concurrency';
import type { LatencyCaseResult } from './scenarios/latency';
import type { MemoryResult } from './scenarios/memory';
import type { ParallelResult } from './scenarios/throughput';
import { fmt, MiB } from './stats';
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
  latency?: LatencyCaseResult[];
  throughput?: ParallelResult;
  concurrency?: ConcurrencyLevel[];
  stalls?: StallResult;
  memory?: MemoryResult;
  auth?: AuthResult;
  limits?: LimitsResult;
  isolation?: IsolationResult;
  targets: TargetCheck[];
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

/** The targets, judged on the figures measured; a MISS is reported, never fatal. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const latencyCase of results.latency ?? []) {
    checks.push({
      name: `bridge/raw p50 turn latency, ${latencyCase.label}`,
      value: fmt(latencyCase.ratios.totalP50, 3),
      target: '<= 1.05',
      pass: latencyCase.ratios.totalP50 <= 1.05,
    });
    checks.push({
      name: `time-to-first-delta overhead at p50, ${latencyCase.label}`,
      value: `${fmt(latencyCase.ttfdOverheadP50Ms, 2)} ms`,
      target: '<= 2 ms',
      pass: latencyCase.ttfdOverheadP50Ms <= 2,
    });
  }
  const fifty = results.concurrency?.find((level) => level.users === 50);
  if (fifty) {
    checks.push({
      name: '50 concurrent users: errors',
      value: String(fifty.bridge.errors),
      target: '0',
      pass: fifty.bridge.errors === 0,
    });
  }
  if (results.memory) {
    const growth = results.memory.bridgeRssGrowthPerSessionMiB;
    checks.push({
      name: `bridge RSS growth per idle session (0 -> ${growth.toLevel} sessions)`,
      value: `${fmt(growth.fromZero, 2)} MiB`,
      target: '<= 1 MiB',
      pass: growth.fromZero <= 1,
    });
  }
  if (results.stalls) {
    checks.push({
      name: `longest own-work (on-CPU) stall, ${results.stalls.streams} live streams`,
      value: `${fmt(results.stalls.bridge.maxOnCpuMs, 1)} ms`,
      target: `<= ${STALL_THRESHOLD_MS} ms (derived)`,
      pass:
        results.stalls.allLive && (results.stalls.bridge.maxOnCpuMs ?? Number.POSITIVE_INFINITY) <= STALL_THRESHOLD_MS,
    });
    checks.push({
      name: `max event-loop delay, ${results.stalls.streams} live streams`,
      value: `${fmt(results.stalls.bridge.maxMs, 1)} ms`,
      target: `<= ${STALL_THRESHOLD_MS} ms`,
      pass: results.stalls.allLive && results.stalls.bridge.maxMs <= STALL_THRESHOLD_MS && results.stalls.errors === 0,
    });
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

  if (results.latency) {
    const rows: Row[] = [];
    for (const c of results.latency) {
      rows.push([
        `${c.label}: turn p50 / p95 (ms)`,
        pair(c.bridge.totalMs.p50, c.bridge.totalMs.p95),
        pair(c.raw.totalMs.p50, c.raw.totalMs.p95),
        pair(c.ratios.totalP50, c.ratios.totalP95, 3),
        ...judged(`bridge/raw p50 turn latency, ${c.label}`),
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
        '',
        '',
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
        '',
        '',
      ]);
    }
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
