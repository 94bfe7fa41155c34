import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export const STALL_THRESHOLD_MS = 20;

export interface LoopDelayStats {
  /** Wall time the monitor ran. */
  windowMs: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Timer ticks that came more than STALL_THRESHOLD_MS late, and the worst few of them. */
  stalls: number;
  worstStallsMs: number[];
}

const TICK_MS = 2;

/**
 * perf_hooks.monitorEventLoopDelay, plus a 2 ms ticker that counts each tick more than 20 ms late
 * (the histogram alone says how bad the worst was, not how often).
 */
export class LoopMonitor {
  private histogram: IntervalHistogram | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stallsMs: number[] = [];

  start(resolutionMs = 1): void {
    this.stop();
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
    this.stallsMs = [];
    this.startedAt = performance.now();
    let last = this.startedAt;
    this.ticker = setInterval(() => {
      const now = performance.now();
      const late = now - last - TICK_MS;
      if (late > STALL_THRESHOLD_MS) this.stallsMs.push(late);
      last = now;
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
    return {
      windowMs,
      samples: histogram?.count ?? 0,
      p50Ms: histogram && histogram.count > 0 ? ms(histogram.percentile(50)) : 0,
      p99Ms: histogram && histogram.count > 0 ? ms(histogram.percentile(99)) : 0,
      maxMs: histogram && histogram.count > 0 ? ms(histogram.max) : 0,
      stalls: this.stallsMs.length,
      worstStallsMs: [...this.stallsMs].sort((a, b) => b - a).slice(0, 5),
    };
  }
}
