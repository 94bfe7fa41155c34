/**
 * A Node process that does nothing but measure its own event-loop delay. Run beside the bridge, it
 * shows how late timers fire on this machine under the same load for reasons that are not the
 * bridge's (two cores shared with 50 codex processes): the noise floor of the stall measurement.
 */
import { serveHost } from '../ipc';
import { LoopMonitor, type LoopDelayStats } from '../loopMonitor';

export type CanaryHostCommands = {
  /** Named monitors, so that a window can be measured inside a longer one. */
  loopStart: { arg: { name: string; resolutionMs: number; split?: boolean }; result: null };
  loopStop: { arg: { name: string }; result: LoopDelayStats };
};

serveHost<CanaryHostCommands>(async () => {
  const monitors = new Map<string, LoopMonitor>();
  return {
    info: null,
    handlers: {
      loopStart: async ({ name, resolutionMs, split }) => {
        const monitor = monitors.get(name) ?? new LoopMonitor();
        monitors.set(name, monitor);
        monitor.start(resolutionMs, split ?? false);
        return null;
      },
      loopStop: async ({ name }) => {
        const monitor = monitors.get(name);
        monitors.delete(name);
        return monitor ? monitor.stop() : new LoopMonitor().stop();
      },
    },
    onStop: async () => undefined,
  };
});
