import fs from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export const STALL_THRESHOLD_MS = 20;

export interface Stall {
  /** How late the 2 ms ticker fired. */
  lateMs: number;
  /** Of the gap: time the main thread ran (the process's own work: JS, GC on the main thread, syscalls). */
  onCpuMs: number | undefined;
  /** Of the gap: time the main thread was runnable but waited for a CPU (the machine was busy). */
  waitingForCpuMs: number | undefined;
}

export interface LoopDelayStats {
  /** Wall time the monitor ran. */
  windowMs: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Ticks more than STALL_THRESHOLD_MS late, the worst of them, and the one with the most own work. */
  stalls: number;
  worstStalls: Stall[];
  /** The largest on-CPU part of any stall: how long the process itself kept its loop busy at most. */
  maxOnCpuMs: number | undefined;
}

const TICK_MS = 2;

/** Main-thread [on-CPU ns, run-queue wait ns] from /proc/thread-self/schedstat; undefined off Linux. */
function schedstat(): [number, number] | undefined {
  try {
    const [run, wait] = fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return run === undefined || wait === undefined ? undefined : [run, wait];
  } catch {
    return undefined;
  }
}

/**
 * perf_hooks.monitorEventLoopDelay, plus a 2 ms ticker that records each tick more than 20 ms late.
 * With `split`, each late tick is divided (from the kernel's scheduler statistics of the main thread)
 * into time the thread was running and time it waited for a CPU, which tells the process's own
 * stalls from a saturated machine's (costs ~9 us per tick).
 */
export class LoopMonitor {
  private histogram: IntervalHistogram | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stalls: Stall[] = [];

  start(resolutionMs = 1, split = false): void {
    this.stop();
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
    this.stalls = [];
    this.startedAt = performance.now();
    let last = this.startedAt;
    let lastSched = split ? schedstat() : undefined;
    this.ticker = setInterval(() => {
      const now = performance.now();
      const sched = split ? schedstat() : undefined;
      const late = now - last - TICK_MS;
      if (late > STALL_THRESHOLD_MS) {
        this.stalls.push({
          lateMs: late,
          onCpuMs: sched && lastSched ? (sched[0] - lastSched[0]) / 1e6 : undefined,
          waitingForCpuMs: sched && lastSched ? (sched[1] - lastSched[1]) / 1e6 : undefined,
        });
      }
      last = now;
      lastSched = sched;
    }, TICK_MS);
  }

  stop(): LoopDelayStats {
    const histogram = this.histogram;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.histogram = undefined;
    const windowMs = histogram ? performance.now() - this.startedAt : 0;
    histogram?.disable();
    const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const onCpu = this.stalls.map((stall) => stall.onCpuMs).filter((value): value is number => value !== undefined);
    return {
      windowMs,
      samples: histogram?.count ?? 0,
      p50Ms: histogram && histogram.count > 0 ? ms(histogram.percentile(50)) : 0,
      p99Ms: histogram && histogram.count > 0 ? ms(histogram.percentile(99)) : 0,
      maxMs: histogram && histogram.count > 0 ? ms(histogram.max) : 0,
      stalls: this.stalls.length,
      worstStalls: [...this.stalls].sort((a, b) => b.lateMs - a.lateMs).slice(0, 5),
      maxOnCpuMs: onCpu.length > 0 ? Math.max(...onCpu) : this.stalls.length === 0 ? 0 : undefined,
    };
  }
}

/** Fraction of the machine's CPU time busy between two readings of /proc/stat (0..1), if available. */
export function machineBusy(before: number[] | undefined, after: number[] | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = (values: number[]): number => values.reduce((sum, value) => sum + value, 0);
  // user nice system idle iowait irq softirq steal ...: idle + iowait are not busy.
  const idle = (values: number[]): number => (values[3] ?? 0) + (values[4] ?? 0);
  const dTotal = total(after) - total(before);
  return dTotal <= 0 ? undefined : 1 - (idle(after) - idle(before)) / dTotal;
}

export function readProcStat(): number[] | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    return line.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
}
