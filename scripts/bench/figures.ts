/**
 * The headline figures of one run as a flat list, each with the commit, the core count and the load
 * average of the section it was measured in, so that a figure read on its own says where it came from;
 * `--compare a.json b.json` matches two runs' lists by name (also runs written before this list existed:
 * it is derived from the sections' results).
 */
import type { BenchResults } from './report';
import { MiB, ratio } from './stats';

export interface Figure {
  name: string;
  unit: string;
  /** Lower is better for every figure here (time, CPU, memory, ratios of those). */
  bridge: number;
  baseline: number | undefined;
  ratio: number | undefined;
  section: string;
  commit: string | undefined;
  cores: number;
  loadAverage: number[] | undefined;
}

export function collectFigures(results: BenchResults): Figure[] {
  const figures: Figure[] = [];
  const add = (section: string, name: string, unit: string, bridge: number, baseline?: number): void => {
    figures.push({
      name,
      unit,
      bridge,
      baseline,
      ratio: baseline === undefined ? undefined : ratio(bridge, baseline),
      section,
      commit: results.machine.gitCommit,
      cores: results.machine.nproc,
      loadAverage: results.sectionLoad?.[section] ?? results.machine.loadAverageAtEnd,
    });
  };
  for (const kind of results.turnCpu?.kinds ?? []) {
    add('turns', `CPU per short turn p50, ${kind.kind}`, 'ms', kind.bridge.cpuMs.p50, kind.raw.cpuMs.p50);
    add('turns', `CPU per short turn mean, ${kind.kind}`, 'ms', kind.bridge.cpuMs.mean, kind.raw.cpuMs.mean);
    add('turns', `turn p50, ${kind.kind}`, 'ms', kind.bridge.totalMs.p50, kind.raw.totalMs.p50);
  }
  if (results.turnCpu) add('turns', 'CPU continued / new thread', 'x', results.turnCpu.continuedOverStart);
  for (const c of results.latency ?? []) {
    add('latency', `turn p50, ${c.label}`, 'ms', c.bridge.totalMs.p50, c.raw.totalMs.p50);
    add('latency', `turn p95, ${c.label}`, 'ms', c.bridge.totalMs.p95, c.raw.totalMs.p95);
    add('latency', `first delta p50, ${c.label}`, 'ms', c.bridge.ttfdMs.p50, c.raw.ttfdMs.p50);
    if (c.deltasPerTurn >= 100)
      add('latency', `CPU per 1,000 events, ${c.label}`, 'us', c.bridge.cpuUsPer1kEvents, c.raw.cpuUsPer1kEvents);
  }
  const t = results.throughput;
  if (t)
    add(
      'throughput',
      `CPU per 1,000 events, ${t.streams} streams`,
      'us',
      t.bridge.cpuUsPer1kEvents.p50,
      t.raw.cpuUsPer1kEvents.p50,
    );
  for (const level of results.concurrency ?? []) {
    add('concurrency', `warm turn p50, ${level.users} users`, 'ms', level.bridge.warmMs.p50, level.raw.warmMs.p50);
    add('concurrency', `warm turn p99, ${level.users} users`, 'ms', level.bridge.warmMs.p99, level.raw.warmMs.p99);
    add('concurrency', `errors, ${level.users} users`, 'count', level.bridge.errors, level.raw.errors);
  }
  if (results.stalls)
    add('stalls', 'max event-loop delay, live streams', 'ms', results.stalls.bridge.maxMs, results.stalls.canary.maxMs);
  for (const level of results.memory?.bridgeLevels ?? [])
    add('memory', `bridge RSS, ${level.sessions} idle sessions`, 'MiB', level.bridge.rss / MiB);
  const fresh = results.memory?.freshUncollected;
  if (fresh) add('memory', 'bridge RSS fresh, not collected', 'MiB', fresh.rss / MiB);
  for (const route of results.auth?.routes ?? [])
    add('auth', `CPU per request, ${route.route}`, 'us', route.keycloak.cpuUsPerRequest, route.none.cpuUsPerRequest);
  return figures;
}
