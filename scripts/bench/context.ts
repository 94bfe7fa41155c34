import { performance } from 'node:perf_hooks';
import type { BenchOptions, Plan } from './options';
import type { BenchResources, BridgeHost } from './setup';

export interface BenchContext {
  resources: BenchResources;
  options: BenchOptions;
  plan: Plan;
  log: (message: string) => void;
}

export function createLogger(startedAt = performance.now()): (message: string) => void {
  return (message) =>
    process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

/** CPU time (user + system, microseconds) of the bridge process, read inside it. */
export async function bridgeCpuUs(host: BridgeHost): Promise<number> {
  const usage = await host.call('cpu', null);
  return usage.userUs + usage.systemUs;
}

/** CPU time of this (the measuring) process. */
export function ownCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** The bridge's CPU use while nothing happens (timers, IPC probes): microseconds per second of wall time. */
export async function idleCpuRate(host: BridgeHost, windowMs = 2000): Promise<number> {
  const before = await bridgeCpuUs(host);
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await bridgeCpuUs(host);
  return ((after - before) / (performance.now() - startedAt)) * 1000;
}
